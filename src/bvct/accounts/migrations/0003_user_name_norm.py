"""Accounts are searched by name without diacritics: a normalised copy of the full name."""

from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from bvct.core.text import normalize

    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "full_name").iterator():
        User.objects.filter(pk=user.pk).update(name_norm=normalize(user.full_name))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_login_refused_counter")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="name_norm",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
