"""Relation kinds (data an administrator can edit), trigram search on name words, and a
trigger that keeps submitted declarations unchanged."""

from django.db import migrations

SOURCE = "Mẫu 2-KNĐ (lý lịch đảng viên); thân nhân được thẩm tra theo DOMAIN.md §3 (cấu hình)"
# code, name, side, generation, verified, order
KINDS = [
    ("ong-noi", "Ông nội", "SELF", 2, False, 10),
    ("ba-noi", "Bà nội", "SELF", 2, False, 11),
    ("ong-ngoai", "Ông ngoại", "SELF", 2, False, 12),
    ("ba-ngoai", "Bà ngoại", "SELF", 2, False, 13),
    ("cha", "Cha đẻ", "SELF", 1, True, 20),
    ("me", "Mẹ đẻ", "SELF", 1, True, 21),
    ("nguoi-nuoi-duong", "Người nuôi dưỡng", "SELF", 1, True, 22),
    ("vo-chong", "Vợ hoặc chồng", "SELF", 0, True, 30),
    ("anh-chi-em", "Anh, chị, em ruột", "SELF", 0, False, 40),
    ("con", "Con", "SELF", -1, True, 50),
    ("ong-noi-vc", "Ông nội bên vợ/chồng", "SPOUSE", 2, False, 60),
    ("ba-noi-vc", "Bà nội bên vợ/chồng", "SPOUSE", 2, False, 61),
    ("ong-ngoai-vc", "Ông ngoại bên vợ/chồng", "SPOUSE", 2, False, 62),
    ("ba-ngoai-vc", "Bà ngoại bên vợ/chồng", "SPOUSE", 2, False, 63),
    ("cha-vc", "Cha vợ/chồng", "SPOUSE", 1, True, 70),
    ("me-vc", "Mẹ vợ/chồng", "SPOUSE", 1, True, 71),
    ("anh-chi-em-vc", "Anh, chị, em ruột của vợ/chồng", "SPOUSE", 0, False, 80),
]


def add_kinds(apps, schema_editor):  # type: ignore[no-untyped-def]
    RelationKind = apps.get_model("people", "RelationKind")
    RelationKind.objects.bulk_create(
        [
            RelationKind(
                code=code, name=name, side=side, generation=generation, verified=verified,
                sort_order=order, source=SOURCE,
            )
            for code, name, side, generation, verified, order in KINDS
        ]
    )  # fmt: skip


def remove_kinds(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("people", "RelationKind").objects.filter(
        code__in=[k[0] for k in KINDS]
    ).delete()


SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX people_nametoken_trgm ON people_nametoken USING gin (token gin_trgm_ops);

CREATE FUNCTION people_declaration_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'declarations are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.content IS DISTINCT FROM OLD.content OR NEW.number <> OLD.number
       OR NEW.dossier_id <> OLD.dossier_id OR NEW.submitted_at <> OLD.submitted_at
       OR (OLD.status = 'SUPERSEDED' AND NEW.status <> 'SUPERSEDED') THEN
        RAISE EXCEPTION 'a submitted declaration never changes; submit a new version'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER people_declaration_frozen BEFORE UPDATE OR DELETE ON people_declaration
    FOR EACH ROW EXECUTE FUNCTION people_declaration_frozen();
"""
REVERSE = """
DROP TRIGGER IF EXISTS people_declaration_frozen ON people_declaration;
DROP FUNCTION IF EXISTS people_declaration_frozen();
DROP INDEX IF EXISTS people_nametoken_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [
        migrations.RunPython(add_kinds, remove_kinds),
        migrations.RunSQL(SQL, REVERSE),
    ]
