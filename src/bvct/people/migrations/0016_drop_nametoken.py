# The typo-correction vocabulary was counted from the stored names, so whether and how a word
# got corrected told of names in dossiers the user cannot see; known name words are now public
# (people/namewords.py) and this table is gone.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0015_dossier_imported_rows'),
    ]

    operations = [
        migrations.DeleteModel(
            name='NameToken',
        ),
    ]
