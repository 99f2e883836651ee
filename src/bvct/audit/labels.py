"""What the auditors' pages call the trail's object types and the keys of an event's before and
after (the trail keeps the codes; the pages show words)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

OBJECT_TYPES = {
    "accounts.user": _("Tài khoản"),
    "accounts.apitoken": _("Mã truy cập API"),
    "orgs.organisation": _("Tổ chức"),
    "orgs.organisationkind": _("Loại tổ chức"),
    "orgs.managementtier": _("Diện quản lý"),
    "orgs.managementscope": _("Phân cấp quản lý"),
    "people.dossier": _("Hồ sơ"),
    "people.declaration": _("Bản khai"),
    "people.personlink": _("Liên kết thân nhân giữa các hồ sơ"),
    "people.listing": _("Danh sách hồ sơ đã hiển thị"),
    "people.exportbatch": _("Tệp Excel đã xuất"),
    "people.importbatch": _("Tệp nhập hồ sơ"),
    "people.sealed_batches": _("Các lần nhập, xuất đã niêm phong"),
    "audit.auditevent": _("Nhật ký"),
    "vetting.rulepack": _("Bộ quy tắc"),
    "vetting.calendarday": _("Ngày nghỉ, ngày làm việc bù"),
    # positions
    "positions.post": _("Chức vụ"),
    "positions.catalogueentry": _("Mục danh mục trọng yếu, cơ mật"),
    "positions.catalogue_import": _("Tệp nhập danh mục trọng yếu, cơ mật"),
    "positions.postholding": _("Chức vụ đang giữ, quy hoạch, ứng cử"),
    "positions.personneldecision": _("Quyết định nhân sự"),
    "documents.term": _("Nhiệm kỳ của cơ quan ban hành"),
    "documents.documenttemplate": _("Mẫu văn bản"),
    "documents.issueddocument": _("Văn bản đã ban hành"),
}

FIELDS = {
    # who and what
    "actor": _("Người thực hiện"),
    "subject": _("Người được nói đến"),
    "object_id": _("Mã đối tượng"),
    "object_type": _("Loại đối tượng"),
    "action": _("Loại sự kiện"),
    "date_from": _("Từ ngày"),
    "date_to": _("Đến ngày"),
    "before_seq": _("Trước sự kiện số"),
    "username": _("Tên đăng nhập"),
    "full_name": _("Họ và tên"),
    "email": _("Thư điện tử"),
    "organisation": _("Đơn vị"),
    "scope": _("Phạm vi công tác"),
    "roles": _("Vai trò"),
    "clearance": _("Mức được tiếp cận bí mật"),
    "is_active": _("Đang hoạt động"),
    "account_exists": _("Tài khoản có tồn tại"),
    "attempt": _("Dấu vết lần thử"),
    "address_locked_until": _("Địa chỉ máy bị khóa đến"),
    "delayed_until": _("Máy này phải chờ đến"),
    "reason": _("Lý do"),
    "api_tokens_revoked": _("Số mã truy cập API bị thu hồi"),
    "must_change": _("Phải đổi mật khẩu khi đăng nhập"),
    "prefix": _("Tiền tố mã"),
    "expires_at": _("Hết hạn lúc"),
    # organisations
    "code": _("Mã"),
    "name": _("Tên"),
    "short_name": _("Tên viết tắt"),
    "kind": _("Loại"),
    "parent": _("Tổ chức cấp trên"),
    "path": _("Vị trí trong cây tổ chức"),
    "is_committee": _("Là cấp ủy"),
    "is_advisory": _("Là cơ quan tham mưu"),
    "is_agency": _("Là cơ quan phối hợp"),
    "rank": _("Thứ bậc"),
    "source": _("Nguồn"),
    "managing_org": _("Tổ chức quản lý"),
    # dossiers
    "classification": _("Mức mật"),
    "current_posts": _("Chức vụ hiện nay"),
    "relatives": _("Thân nhân"),
    "number": _("Số bản khai"),
    "changes": _("Các thay đổi"),
    "status": _("Trạng thái"),
    "q": _("Họ tên tìm"),
    "citizen_id": _("Số CCCD"),
    "import_file": _("Tệp nhập"),
    "birth_year": _("Năm sinh"),
    "hometown": _("Quê quán"),
    "org": _("Tổ chức"),
    "filters": _("Điều kiện tìm"),
    "ceiling": _("Chỉ xuất đến mức"),
    "purpose": _("Mục đích"),
    "purpose_detail": _("Ghi rõ mục đích"),
    "list_page": _("Trang danh sách"),
    "results": _("Số kết quả"),
    "rows": _("Số dòng"),
    "persons_sha256": _("Mã kiểm tra danh sách người (SHA-256)"),
    "dossiers_sha256": _("Mã kiểm tra danh sách hồ sơ (SHA-256)"),
    "file_sha256": _("Mã kiểm tra tệp (SHA-256)"),
    "dossiers": _("Số hồ sơ"),
    "dossiers_compared": _("Số hồ sơ đã so sánh"),
    "created": _("Tạo mới"),
    "updated": _("Cập nhật"),
    "unchanged": _("Không đổi"),
    "errors": _("Số lỗi"),
    "warnings": _("Số cảnh báo"),
    "dry_run": _("Chỉ kiểm tra"),
    "dossier_changes": _("Số thay đổi hồ sơ"),
    "members": _("Số người được quản lý"),
    "persons": _("Số người"),
    "seed": _("Hạt giống sinh dữ liệu"),
    # the trail's own checks
    "ok": _("Kết quả"),
    "count": _("Số sự kiện"),
    "head": _("Sự kiện cuối chuỗi"),
    "problem": _("Vấn đề"),
    "bad_seq": _("Sự kiện sai"),
    "batches": _("Số lần nhập, xuất"),
    "problems": _("Các vấn đề"),
    # the rule pack and the working-day calendar
    "version": _("Phiên bản"),
    "based_on": _("Sao từ phiên bản"),
    "retired": _("Phiên bản được thay thế"),
    "section": _("Phần"),
    "note": _("Ghi chú"),
    "date": _("Ngày"),
    "rules": _("Quy tắc"),
    # positions
    "tier": _("Cấp"),
    "is_management": _("Lãnh đạo, quản lý"),
    "post": _("Chức vụ"),
    "catalogue_entry": _("Mục danh mục trọng yếu, cơ mật"),
    "listing_number": _("Số, ký hiệu quyết định đưa vào danh mục"),
    "listing_date": _("Ngày quyết định đưa vào danh mục"),
    "listing_issuer": _("Cơ quan ban hành"),
    "required_clearance": _("Mức tiếp cận bí mật yêu cầu"),
    "starts_on": _("Từ ngày"),
    "ends_on": _("Đến ngày"),
    "deciding_org": _("Cơ quan đề xuất"),
    "proposed_on": _("Ngày đề xuất"),
    "reference": _("Số văn bản đề xuất"),
    "entries": _("Số mục"),
    # numbered documents
    "doc_type": _("Loại văn bản"),
    "number_symbol": _("Số, ký hiệu"),
    "issued_on": _("Ngày ban hành"),
    "term": _("Nhiệm kỳ"),
    "issuer": _("Cơ quan ban hành"),
    "symbol": _("Ký hiệu cơ quan ban hành"),
    "heading": _("Tên cơ quan ban hành"),
    "heading_parent": _("Tên cơ quan cấp trên"),
    "template_sha256": _("Mã kiểm tra mẫu (SHA-256)"),
    "size": _("Kích thước (byte)"),
    "file_name": _("Tên tệp"),
}

# Codes some keys hold, in words. Apps above this one add their own (``add_values``, from
# their AppConfig.ready), so the trail's pages need not know every app.
VALUES: dict[str, dict[str, Any]] = {
    "kind": {"search": _("tra cứu theo tên"), "list": _("danh sách hồ sơ")},
}
LEVEL_KEYS = ("classification", "clearance", "ceiling", "required_clearance")


def add_values(key: str, choices: Any) -> None:
    """Words for the codes ``key`` holds in events (an enum's ``choices``)."""
    VALUES.setdefault(key, {}).update(dict(choices))


def object_type_label(code: str) -> str:
    """The object type in words; a type the pages do not know yet is named generically."""
    if not code:
        return ""
    label = OBJECT_TYPES.get(code)
    return str(label) if label is not None else str(_("Đối tượng khác"))


def field_label(key: str) -> str:
    label = FIELDS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def value_label(key: str, value: Any) -> Any:
    """A value as the page shows it: yes/no for booleans, words for known codes, a role list
    by the roles' names; anything else as stored."""
    from bvct.core.constants import Role

    if isinstance(value, bool):
        return str(_("có") if value else _("không"))
    if key == "roles" and isinstance(value, list):
        return "; ".join(str(Role(r).label) if r in Role.values else str(r) for r in value)
    if key == "action" and isinstance(value, str):
        from bvct.audit.constants import AuditAction

        return str(AuditAction(value).label) if value in AuditAction.values else value
    if isinstance(value, dict):  # a search's filters: each in words
        shown = (f"{field_label(k)}: {value_label(k, v)}" for k, v in value.items() if v)
        return "; ".join(shown)
    if key in LEVEL_KEYS:
        from bvct.core.constants import Classification

        if isinstance(value, int) and value in Classification.values:
            return str(Classification(value).label)
        if isinstance(value, str) and value in Classification.names:
            return str(Classification[value].label)
    words = VALUES.get(key, {})
    try:
        found = words.get(value)
    except TypeError:  # an unhashable value (a list, a dict)
        found = None
    return str(found) if found is not None else value
