"""Organisation forms: the administrator's (rename, add a child organisation) and the
organisation chooser, a select of the organisations the user may choose, by name, with a box
that narrows it as the user types (with or without diacritics). Which organisations may be
chosen is the field's rule (``among``, a key of ``orgs.selectors.CHOOSABLE``): the user's own
scope on dossier pages, every organisation they may see on the account pages. The form sends
the chosen organisation's public id; codes are never shown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bvct.orgs.models import Organisation, OrganisationKind
from bvct.orgs.selectors import (
    CHOOSABLE,
    OrganisationChoices,
    organisation_choice,
    organisation_choices,
)

# What the empty first option says: a filter left empty means every organisation in scope;
# a required choice starts unchosen, so that typing never picks an organisation by itself;
# an account's scope left empty is its organisation's (or the committee its board serves).
BLANK_LABELS = {
    "all": _("— Mọi tổ chức —"),
    "choose": _("— Chọn tổ chức —"),
    "unit": _("— Theo đơn vị (mặc định) —"),
}


def choice_options(choices: OrganisationChoices) -> list[tuple[str, str]]:
    """(public id, label) per organisation; a name that two shown organisations share is told
    apart by the organisation above it."""
    names = [org.name for org in choices.orgs]
    options = []
    for org in choices.orgs:
        label = org.name
        if names.count(org.name) > 1 and org.parent is not None:
            label = f"{org.name} — {org.parent.name}"
        options.append((str(org.public_id), label))
    return options


class OrganisationChooser(forms.Widget):
    template_name = "orgs/widgets/chooser.html"

    def __init__(
        self, attrs: dict[str, Any] | None = None, blank: str = "choose", among: str = "scope"
    ) -> None:
        super().__init__(attrs)
        assert blank in BLANK_LABELS and among in CHOOSABLE
        self.blank = blank
        self.among = among
        self.user: Any = None
        self.query = ""

    def format_value(self, value: Any) -> str:
        if isinstance(value, Organisation):
            return str(value.public_id)
        return "" if value is None else str(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        key = context["widget"]["value"]
        chosen = organisation_choice(user=self.user, key=key, among=self.among) if key else None
        choices = organisation_choices(
            user=self.user, query=self.query, chosen=chosen, among=self.among
        )
        context["widget"].update(
            query=self.query,
            blank=self.blank,
            among=self.among,
            blank_label=BLANK_LABELS[self.blank],
            options=choice_options(choices),
            more=choices.more,
            chosen=str(chosen.public_id) if chosen else "",
        )
        return context

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data


class OrganisationField(forms.Field):
    """An organisation the user may choose under the rule ``among``, by public id (or code: the
    API's and older links' way); one they may not choose is refused exactly as one that does
    not exist."""

    widget = OrganisationChooser
    default_error_messages = {
        "required": _("Hãy chọn tổ chức."),
        "invalid": _("Không có tổ chức này trong phạm vi của bạn; hãy chọn trong danh sách."),
    }

    def __init__(self, *, blank: str = "choose", among: str = "scope", **kwargs: Any) -> None:
        kwargs.setdefault("widget", OrganisationChooser(blank=blank, among=among))
        super().__init__(**kwargs)
        self.among = among
        self.user: Any = None

    def to_python(self, value: Any) -> Organisation | None:
        if isinstance(value, Organisation):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        found = organisation_choice(user=self.user, key=str(value)[:64], among=self.among)
        if found is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return found

    def prepare_value(self, value: Any) -> Any:
        return str(value.public_id) if isinstance(value, Organisation) else value


def bind_organisation_fields(form: forms.Form, user: Any) -> None:
    """Give the form's organisation fields the user they choose for (and the filter text the
    page was sent with, for browsers without scripts)."""
    for name, field in form.fields.items():
        if isinstance(field, OrganisationField):
            field.user = user
            widget = field.widget
            assert isinstance(widget, OrganisationChooser)
            widget.user = user
            if form.is_bound:
                widget.query = str(form.data.get(form.add_prefix(name) + "_q", ""))[:100]


class OrganisationRenameForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=300)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    members_count = forms.IntegerField(
        label=_("Tổng số ủy viên cấp ủy"), min_value=1, max_value=500, required=False,
        help_text=_("Hội nghị đủ số và kết luận được thông qua tính trên số này."),
    )  # fmt: skip
    standing_members_count = forms.IntegerField(
        label=_("Số ủy viên ban thường vụ"), min_value=1, max_value=500, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, committee: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not committee:
            del self.fields["members_count"]
            del self.fields["standing_members_count"]


class OrganisationChildForm(forms.Form):
    name = forms.CharField(label=_("Tên tổ chức trực thuộc"), max_length=300)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    kind = forms.ModelChoiceField(
        label=_("Loại tổ chức"),
        queryset=OrganisationKind.objects.all(),
        to_field_name="code",
        empty_label="—",
        error_messages={"invalid_choice": _("Hãy chọn một loại tổ chức trong danh sách.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "child")
        super().__init__(*args, **kwargs)
