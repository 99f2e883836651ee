"""The audit table, built in SQL: payload + hashes, every other column generated from payload.

The model state is declared normally (Django reads the columns); the database side is SQL
because the columns are GENERATED ALWAYS ... STORED and the chain lives in triggers:
- audit_event_chain (BEFORE INSERT): takes a transaction-scoped advisory lock, assigns the
  gapless seq, prefixes the payload with {"seq":N,"at":<µs since epoch>, ...}, links prev_hash
  and computes hash = sha256(prev_hash || payload);
- audit_event_append_only: rejects UPDATE, DELETE and TRUNCATE.
"""

from django.db import migrations, models

from bvct.audit.constants import APPEND_LOCK_KEY

TABLE = f"""
CREATE TABLE audit_auditevent (
    seq bigint PRIMARY KEY,
    payload text NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    public_id uuid NOT NULL UNIQUE
        GENERATED ALWAYS AS ((payload::jsonb ->> 'id')::uuid) STORED,
    occurred_at timestamptz NOT NULL GENERATED ALWAYS AS (
        to_timestamp(((payload::jsonb ->> 'at')::numeric / 1000000)::double precision)) STORED,
    actor_public_id uuid GENERATED ALWAYS AS ((payload::jsonb ->> 'actor')::uuid) STORED,
    actor_username varchar(150) NOT NULL
        GENERATED ALWAYS AS (coalesce(payload::jsonb ->> 'actor_username', '')) STORED,
    org_public_id uuid GENERATED ALWAYS AS ((payload::jsonb ->> 'org')::uuid) STORED,
    org_path varchar(255) NOT NULL
        GENERATED ALWAYS AS (coalesce(payload::jsonb ->> 'org_path', '')) STORED,
    action varchar(64) NOT NULL GENERATED ALWAYS AS (payload::jsonb ->> 'action') STORED,
    object_type varchar(64) NOT NULL
        GENERATED ALWAYS AS (coalesce(payload::jsonb ->> 'object_type', '')) STORED,
    object_public_id varchar(64) NOT NULL
        GENERATED ALWAYS AS (coalesce(payload::jsonb ->> 'object_id', '')) STORED,
    subject_public_id uuid GENERATED ALWAYS AS ((payload::jsonb ->> 'subject')::uuid) STORED,
    classification smallint NOT NULL GENERATED ALWAYS AS (
        coalesce((payload::jsonb ->> 'classification')::smallint, 0)) STORED
        CHECK (classification >= 0)
);
CREATE INDEX audit_time ON audit_auditevent (occurred_at);
CREATE INDEX audit_actor ON audit_auditevent (actor_public_id);
CREATE INDEX audit_subject ON audit_auditevent (subject_public_id);
CREATE INDEX audit_object ON audit_auditevent (object_type, object_public_id);
CREATE INDEX audit_org_path ON audit_auditevent (org_path varchar_pattern_ops);
CREATE INDEX audit_action_time ON audit_auditevent (action, occurred_at);

CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash bytea;
    body jsonb;
BEGIN
    body := NEW.payload::jsonb;
    IF jsonb_typeof(body) <> 'object' OR body = '{{}}'::jsonb OR body ? 'seq' OR body ? 'at'
       OR left(NEW.payload, 1) <> '{{' THEN
        RAISE EXCEPTION 'audit payload must be a non-empty JSON object without seq or at';
    END IF;
    PERFORM pg_advisory_xact_lock({APPEND_LOCK_KEY});
    SELECT seq, hash INTO last_seq, last_hash
        FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(last_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last_hash, '\\x{"00" * 32}'::bytea);
    NEW.payload := '{{"seq":' || NEW.seq
        || ',"at":' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
        || ',' || substr(NEW.payload, 2);
    NEW.hash := sha256(NEW.prev_hash || convert_to(NEW.payload, 'UTF8'));
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
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

DROP = """
DROP TABLE IF EXISTS audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
DROP FUNCTION IF EXISTS audit_event_chain();
"""


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(TABLE, DROP)],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("payload", models.TextField()),
                        ("prev_hash", models.BinaryField(max_length=32)),
                        ("hash", models.BinaryField(max_length=32)),
                        ("public_id", models.UUIDField(editable=False, unique=True)),
                        ("occurred_at", models.DateTimeField(editable=False)),
                        ("actor_public_id", models.UUIDField(editable=False, null=True)),
                        ("actor_username", models.CharField(editable=False, max_length=150)),
                        ("org_public_id", models.UUIDField(editable=False, null=True)),
                        ("org_path", models.CharField(editable=False, max_length=255)),
                        ("action", models.CharField(editable=False, max_length=64)),
                        ("object_type", models.CharField(editable=False, max_length=64)),
                        ("object_public_id", models.CharField(editable=False, max_length=64)),
                        ("subject_public_id", models.UUIDField(editable=False, null=True)),
                        (
                            "classification",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Không mật"),
                                    (1, "Mật"),
                                    (2, "Tối mật"),
                                    (3, "Tuyệt mật"),
                                ],
                                editable=False,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-seq"],
                        "indexes": [
                            models.Index(fields=["occurred_at"], name="audit_time"),
                            models.Index(fields=["actor_public_id"], name="audit_actor"),
                            models.Index(fields=["subject_public_id"], name="audit_subject"),
                            models.Index(
                                fields=["object_type", "object_public_id"], name="audit_object"
                            ),
                            models.Index(
                                fields=["org_path"],
                                name="audit_org_path",
                                opclasses=["varchar_pattern_ops"],
                            ),
                            models.Index(
                                fields=["action", "occurred_at"], name="audit_action_time"
                            ),
                        ],
                    },
                )
            ],
        )
    ]
