from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "bvct.people"
    label = "people"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        from bvct.audit.labels import add_object_namer, add_values
        from bvct.people import constants
        from bvct.people.batch_names import TYPES, batch_names

        # The codes this app's events hold, in words on the auditors' pages.
        add_values("purpose", constants.ExportPurpose.choices)
        add_values("reason", constants.LinkReason.choices)
        for status in (constants.LinkStatus, constants.DeclarationStatus, constants.DossierStatus):
            add_values("status", status.choices)
        # Imports, exports and listings named on the auditors' pages, a page at a time.
        add_object_namer(TYPES, batch_names)
