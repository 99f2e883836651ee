"""The person table's indexes on its dossier and relation keys, dropped: person_dossier
(dossier, is_subject) serves every lookup by dossier and nothing looks persons up by relation.

Only the indexes go, concurrently (searches and pages keep reading the table meanwhile);
Django's own AlterField would also drop and re-add both foreign keys, re-checking millions of
rows under an exclusive lock.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("people", "0013_listing_from_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="dossier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="persons",
                        to="people.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="relation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.relationkind",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX CONCURRENTLY IF EXISTS people_person_dossier_id_b1c26ba4",
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS people_person_dossier_id_b1c26ba4 "
                    "ON people_person (dossier_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX CONCURRENTLY IF EXISTS people_person_relation_id_fd6d5f9f",
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS people_person_relation_id_fd6d5f9f "
                    "ON people_person (relation_id)",
                ),
            ],
        ),
    ]
