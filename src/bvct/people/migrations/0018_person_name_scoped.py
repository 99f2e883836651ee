"""An index of persons by given name within an organisation's subtree, for the name search of
an officer who sees one part of the province: a scan for a middle + given name ("Văn Hùng")
or a given name alone reads the persons of that given name in their scope, not in the whole
province. Built concurrently: searches and pages keep reading the table meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("people", "0017_exportbatch_purpose"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                fields=["given_norm", "org_path"],
                include=[
                    "name_norm",
                    "name_sort",
                    "id",
                    "classification",
                    "birth_year",
                    "is_subject",
                ],
                name="person_given_scoped",
                opclasses=["varchar_ops", "varchar_pattern_ops"],
            ),
        ),
    ]
