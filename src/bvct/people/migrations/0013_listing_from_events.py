"""Listings: who, when and what was asked come from the audit event (sealed), not from
columns of the listing; the items carry the listing's kind for the access log's index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0012_listings"),
    ]

    operations = [
        migrations.RemoveField(model_name="listing", name="actor"),
        migrations.RemoveField(model_name="listing", name="actor_username"),
        migrations.RemoveField(model_name="listing", name="query"),
        migrations.AlterField(
            model_name="listing",
            name="kind",
            field=models.CharField(
                choices=[("search", "Tra cứu"), ("list", "Danh sách hồ sơ")], max_length=10
            ),
        ),
        migrations.RemoveIndex(model_name="listingitem", name="listing_item_dossier"),
        migrations.AddField(
            model_name="listingitem",
            name="kind",
            field=models.CharField(
                choices=[("search", "Tra cứu"), ("list", "Danh sách hồ sơ")],
                default="list",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(
            """UPDATE people_listingitem i SET kind = l.kind
               FROM people_listing l WHERE l.id = i.listing_id AND i.kind <> l.kind""",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="listingitem",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="people.person",
            ),
        ),
        migrations.AddIndex(
            model_name="listingitem",
            index=models.Index(
                fields=["dossier", "kind", "-listing"], name="listing_item_dossier"
            ),
        ),
    ]
