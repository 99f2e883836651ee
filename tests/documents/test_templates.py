"""An administrator replaces a type's template: checked first (it must render with the type's
fields), the old one kept, the change on the record; the next documents use the new one."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.errors import PermissionDeniedError, ValidationFailed
from bvct.documents import services
from bvct.documents.constants import DocumentType
from bvct.documents.defaults import default_template
from bvct.documents.docx import document_text
from bvct.documents.models import DocumentTemplate
from tests.conftest import events_since
from tests.documents.helpers import issue, make_term
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db
CONCLUSION = DocumentType.CONCLUSION


def edited(extra: str = "", drop: str = "") -> bytes:
    """The default conclusion template with a paragraph added or a placeholder taken out."""
    document = docx.Document(io.BytesIO(default_template(CONCLUSION)))
    if extra:
        document.add_paragraph(extra)
    if drop:
        cells = [c for t in document.tables for r in t.rows for c in r.cells]
        for paragraph in [*document.paragraphs, *(p for c in cells for p in c.paragraphs)]:
            if drop in paragraph.text:
                for run in paragraph.runs:
                    run.text = run.text.replace(drop, "")
    raw = io.BytesIO()
    document.save(raw)
    return raw.getvalue()


def upload(data: bytes, name: str = "mau-moi.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_replacement_is_used_and_the_old_one_kept(tree: Tree, audit_mark: int) -> None:
    make_term(tree.root)
    admin = make_user(tree.board, Role.SYSADMIN)
    first = issue(tree.root)
    default = first.template
    assert default.uploaded_by is None and default.is_active
    installed = events_since(audit_mark, action=AuditAction.DOCUMENT_TEMPLATE_INSTALL)
    assert [e.after["file_sha256"] for e in installed] == [default.sha256]

    mark = events_since(audit_mark)[-1].seq
    new = services.template_replace(
        actor=admin, type=CONCLUSION, file=upload(edited("Mẫu của tỉnh: {{ ho_ten }}"))
    )
    default.refresh_from_db()
    assert new.is_active and not default.is_active  # kept, no longer used
    assert new.uploaded_by == admin and new.file_name == "mau-moi.docx"
    (event,) = events_since(mark)
    assert event.action == AuditAction.DOCUMENT_TEMPLATE_REPLACE
    assert event.actor_public_id == admin.public_id
    assert event.before["file_sha256"] == default.sha256
    assert event.after["file_sha256"] == new.sha256 and event.after["file_name"] == "mau-moi.docx"

    second = issue(tree.root)
    assert second.template == new and first.template == default
    assert "Mẫu của tỉnh: Nguyễn Thị Hồng Nhung" in document_text(bytes(second.content))
    # The first document keeps its bytes.
    assert "Mẫu của tỉnh: Nguyễn Thị Hồng Nhung" not in document_text(bytes(first.content))
    # The same file again changes nothing.
    mark = events_since(audit_mark)[-1].seq
    again = services.template_replace(
        actor=admin, type=CONCLUSION, file=upload(edited("Mẫu của tỉnh: {{ ho_ten }}"))
    )
    assert again == new and not events_since(mark)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"plain text", "mau.docx", "không phải tài liệu Word"),
        (default_template(CONCLUSION), "mau.doc", "tệp Word (.docx)"),
        (edited("{{ truong_la }}"), "mau.docx", "trường không dùng cho loại văn bản này"),
        (edited("{{ de_xuat }}"), "mau.docx", "{{ de_xuat }}"),
        (edited(drop="{{ so_ky_hieu }}"), "mau.docx", "thiếu trường bắt buộc: {{ so_ky_hieu }}"),
        (edited("{{ van_de }} {{ noi_nhan }}"), "mau.docx", "một trường danh sách"),
    ],
    ids=["not-docx", "not-docx-name", "unknown", "other-type", "missing", "two-lists"],
)
def test_a_bad_template_is_refused_in_vietnamese(
    tree: Tree, audit_mark: int, data: bytes, name: str, message: str
) -> None:
    admin = make_user(tree.board, Role.SYSADMIN)
    with pytest.raises(ValidationFailed) as refused:
        services.template_replace(actor=admin, type=CONCLUSION, file=upload(data, name))
    assert message.lower() in refused.value.message.lower()
    assert refused.value.field == "file"
    assert not DocumentTemplate.objects.exists()
    assert not events_since(audit_mark, action__startswith="document")


def test_only_the_administrator_replaces_templates(tree: Tree, audit_mark: int) -> None:
    officer = make_user(tree.root, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    with pytest.raises(PermissionDeniedError):
        services.template_replace(actor=officer, type=CONCLUSION, file=upload(edited()))
    assert not events_since(audit_mark, action__startswith="document")
