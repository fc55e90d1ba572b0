"""On PostgreSQL, make audit events append-only in the database itself.

The model already refuses updates and deletes, but anyone with SQL access (a buggy migration, a manual
"clean-up", an attacker with the app's credentials covering their tracks through the ORM) could still
rewrite history. A trigger costs nothing on insert and turns that into an error. The one change allowed
is nulling ``user_id`` / ``application_id``, which ON DELETE SET NULL does when an account or client is
deleted; the event keeps its client_id text. TRUNCATE is not covered (test database flushes use it).
SQLite (development, quick tests) gets no trigger: it is never the production database.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are append-only: DELETE refused';
    END IF;
    IF (to_jsonb(NEW) - 'user_id' - 'application_id') IS DISTINCT FROM (to_jsonb(OLD) - 'user_id' - 'application_id')
       OR (NEW.user_id IS NOT NULL AND NEW.user_id IS DISTINCT FROM OLD.user_id)
       OR (NEW.application_id IS NOT NULL AND NEW.application_id IS DISTINCT FROM OLD.application_id) THEN
        RAISE EXCEPTION 'audit events are append-only: UPDATE refused';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
