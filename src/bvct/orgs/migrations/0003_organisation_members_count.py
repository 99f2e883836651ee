from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_organisation_name_norm")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="members_count",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="tổng số ủy viên"
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="standing_members_count",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="số ủy viên ban thường vụ"
            ),
        ),
    ]
