"""The audit chain lives in PostgreSQL: canonical content, append trigger, append-only guard.

audit_event_canonical() is the single definition of what an event's hash covers; the append
trigger and `audit_verify` both use it. Appends take a transaction-scoped advisory lock, so
sequence numbers are gapless and each event links to the one committed before it.
"""

from django.db import migrations

from bvct.audit.constants import APPEND_LOCK_KEY

FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_event_canonical(e audit_auditevent) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT convert_to(jsonb_build_array(
        e.seq, e.public_id, (extract(epoch FROM e.occurred_at) * 1000000)::bigint,
        e.actor_public_id, e.actor_username, e.org_public_id, e.org_path, e.action,
        e.object_type, e.object_public_id, e.object_label, e.subject_public_id,
        e.classification, e.before, e.after, e.request_id, host(e.client_addr)
    )::text, 'UTF8')
$$;

CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash bytea;
BEGIN
    PERFORM pg_advisory_xact_lock({APPEND_LOCK_KEY});
    SELECT seq, hash INTO last_seq, last_hash
        FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(last_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last_hash, '\\x{"00" * 32}'::bytea);
    NEW.occurred_at := clock_timestamp();
    NEW.hash := sha256(NEW.prev_hash || audit_event_canonical(NEW));
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_chain ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
DROP FUNCTION IF EXISTS audit_event_chain();
DROP FUNCTION IF EXISTS audit_event_canonical(audit_auditevent);
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
