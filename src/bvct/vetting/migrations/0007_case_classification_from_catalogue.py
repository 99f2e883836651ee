"""Cases opened before a case took its level from the key/classified catalogue: each becomes at
least as classified as the catalogue asks of its decisions' posts and entries (their level and
required clearance), as ``services_common.catalogue_levels`` computes for new ones. One
set-based statement; never lowers a level."""

from django.db import migrations

RAISE = """
UPDATE vetting_case c
   SET classification = lv.level
  FROM (
        SELECT cd.case_id, MAX(GREATEST(e.classification, e.required_clearance)) AS level
          FROM vetting_casedecision cd
          JOIN positions_personneldecision d ON d.id = cd.decision_id
          JOIN positions_catalogueentry e
            ON e.id = d.catalogue_entry_id
            OR (e.is_active AND e.kind = 'POST' AND e.post_id = d.post_id)
         GROUP BY cd.case_id
       ) lv
 WHERE lv.case_id = c.id AND lv.level > c.classification
"""


class Migration(migrations.Migration):

    dependencies = [
        ("positions", "0001_initial"),
        ("vetting", "0006_caseevent_restriction"),
    ]

    operations = [migrations.RunSQL(RAISE, migrations.RunSQL.noop)]
