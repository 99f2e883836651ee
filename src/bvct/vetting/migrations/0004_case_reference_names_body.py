"""Case numbers name their competent body ("TT-2026-0001/TU-Bắc-Ninh") and are unique across
committees; the numbers already given get their body's mark."""

from django.db import migrations, models


def _symbol(org, shared):
    short = "-".join(str(org.short_name or "").replace("/", " ").split())
    if short and org.short_name not in shared:
        return short
    return str(org.code).upper()


def name_the_body(apps, schema_editor):
    Case = apps.get_model("vetting", "Case")
    Organisation = apps.get_model("orgs", "Organisation")
    counts = {}
    for short in Organisation.objects.exclude(short_name="").values_list("short_name", flat=True):
        counts[short] = counts.get(short, 0) + 1
    shared = {s for s, n in counts.items() if n > 1}
    symbols = {}
    for case in Case.objects.exclude(reference__contains="/").only(
        "id", "reference", "competent_body_id"
    ):
        body_id = case.competent_body_id
        if body_id not in symbols:
            symbols[body_id] = _symbol(Organisation.objects.get(pk=body_id), shared)
        Case.objects.filter(pk=case.pk).update(reference=f"{case.reference}/{symbols[body_id]}")


class Migration(migrations.Migration):
    dependencies = [
        ("vetting", "0003_decision_check"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="case", name="case_reference_once"),
        migrations.AlterField(
            model_name="case",
            name="reference",
            field=models.CharField(max_length=120, verbose_name="số hồ sơ"),
        ),
        migrations.RunPython(name_the_body, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("reference",), name="case_reference_unique"),
        ),
    ]
