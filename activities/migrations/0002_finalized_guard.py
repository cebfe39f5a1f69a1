"""On PostgreSQL the database itself refuses to change or delete a finalized meeting record.

Triggers guard the meeting row and the rows that make up the record (attendance, attachments):
once ``finalized_at`` is set, UPDATE and DELETE raise, whatever path the statement came from.
Corrections, make-ups and review steps live in their own tables and are only ever appended.

The one sanctioned exception is an operator purging a whole tenant (``core.demo.purge_tenant``):
inside its transaction it sets ``partylife.purge_tenant`` and DELETE (never UPDATE) goes through.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION activities_meeting_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('partylife.purge_tenant', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF OLD.finalized_at IS NOT NULL THEN
        RAISE EXCEPTION 'meeting % is finalized (定稿) and cannot be changed or deleted', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION activities_meeting_part_guard() RETURNS trigger AS $$
DECLARE
    target bigint;
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('partylife.purge_tenant', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN target := NEW.meeting_id; ELSE target := OLD.meeting_id; END IF;
    IF EXISTS (SELECT 1 FROM activities_meeting WHERE id = target AND finalized_at IS NOT NULL)
       OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM activities_meeting WHERE id = NEW.meeting_id AND finalized_at IS NOT NULL)) THEN
        RAISE EXCEPTION 'meeting % is finalized (定稿): its % cannot be changed', target, TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER meeting_finalized_guard BEFORE UPDATE OR DELETE ON activities_meeting
    FOR EACH ROW EXECUTE FUNCTION activities_meeting_guard();
CREATE TRIGGER attendance_finalized_guard BEFORE INSERT OR UPDATE OR DELETE ON activities_attendance
    FOR EACH ROW EXECUTE FUNCTION activities_meeting_part_guard();
CREATE TRIGGER attachment_finalized_guard BEFORE INSERT OR UPDATE OR DELETE ON activities_attachment
    FOR EACH ROW EXECUTE FUNCTION activities_meeting_part_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS meeting_finalized_guard ON activities_meeting;
DROP TRIGGER IF EXISTS attendance_finalized_guard ON activities_attendance;
DROP TRIGGER IF EXISTS attachment_finalized_guard ON activities_attachment;
DROP FUNCTION IF EXISTS activities_meeting_guard();
DROP FUNCTION IF EXISTS activities_meeting_part_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)  # None: the "%" in RAISE is not a placeholder


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
