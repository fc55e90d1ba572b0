"""Kept, empty, because existing databases recorded it: it used to create a raw-SQL append-only trigger.

The triggers are now declared on AuditEvent (Meta.triggers) and installed by 0003, which also removes the
raw trigger and function this migration created on PostgreSQL databases migrated before the change. A new
database therefore never gets the raw trigger; reversing 0003 leaves the table as this migration now does.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = []
