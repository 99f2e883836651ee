"""What the auditors' pages call the trail's object types and the keys of an event's before and
after (the trail keeps the codes; the pages show words)."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    # casework: events about a row of a case are named by the case ("TT-2026-0003: name")
    "vetting.case": _("Hồ sơ thẩm tra"),
    "vetting.conclusion": _("Kết luận của hồ sơ thẩm tra"),
    "vetting.finding": _("Vấn đề cần xem xét của hồ sơ thẩm tra"),
    "vetting.verificationresult": _("Kết quả thẩm tra, xác minh của hồ sơ thẩm tra"),
    "vetting.reportedchange": _("Báo cáo bổ sung"),
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
    # casework
    "state": _("Bước"),
    "stage_due_on": _("Hạn của bước"),
    "restricted": _("Hạn chế người xem"),
    "complex": _("Phức tạp"),
    "assignees": _("Số cán bộ được phân công"),
    "origin": _("Căn cứ mở hồ sơ"),
    "competent_body": _("Cấp ủy có thẩm quyền kết luận"),
    "rule_pack": _("Phiên bản bộ quy tắc"),
    "decision": _("Đề xuất quyết định nhân sự"),
    "previous_case": _("Hồ sơ thẩm tra được xem xét lại"),
    "duty": _("Nhiệm vụ"),
    "user": _("Cán bộ"),
    "nothing_found": _("Không có nội dung cần thẩm tra"),
    "items": _("Số nội dung đã kiểm tra"),
    "category": _("Loại vấn đề"),
    "person": _("Về người"),
    "period": _("Thời kỳ"),
    "summary": _("Nội dung"),
    "declaration_refs": _("Căn cứ trong bản khai"),
    "evidence": _("Kết quả xác minh làm chứng cứ"),
    "agency": _("Cơ quan trả lời"),
    "document_number": _("Số văn bản"),
    "document_date": _("Ngày văn bản"),
    "received_on": _("Ngày nhận"),
    "findings": _("Vấn đề"),
    "outcome": _("Kết luận"),
    "concluded_on": _("Ngày kết luận"),
    "valid_until": _("Còn giá trị đến"),
    "covers_kinds": _("Dùng cho các quyết định"),
    "votes": _("Biểu quyết"),
    "signer": _("Người ký"),
    "supersedes": _("Thay thế kết luận"),
    "upholds": _("Giữ nguyên kết luận"),
    "document_sha256": _("Mã kiểm tra văn bản (SHA-256)"),
    "reasons": _("Lý do"),
    "conclusion": _("Kết luận"),
    "case": _("Hồ sơ thẩm tra"),
    "case_opened": _("Đã mở hồ sơ thẩm tra"),
    "reused": _("Sử dụng lại kết luận"),
    "decision_kind": _("Loại quyết định"),
    "description": _("Nội dung"),
    "occurred_on": _("Ngày xảy ra"),
    "reported_on": _("Ngày báo cáo"),
    # the rule pack's rules
    "stage": _("Bước"),
    "days": _("Số ngày làm việc"),
    "complex_days": _("Số ngày làm việc nếu phức tạp, do khiếu nại"),
    "to_confirm": _("Cần xác nhận"),
    "when": _("Khi nào cần"),
    "codes": _("Quan hệ"),
    "months": _("Số tháng"),
    "body": _("Cấp ủy kết luận"),
    "covers": _("Dùng được cho quyết định"),
    "barred_tiers": _("Không được giữ chức vụ cấp"),
    "barred_management_tiers": _("Không được giữ chức vụ lãnh đạo, quản lý cấp"),
    "barred_decision_kinds": _("Không dùng cho quyết định"),
    "max_clearance": _("Mức tiếp cận bí mật cao nhất được bố trí"),
    "quorum": _("Hội nghị hợp lệ khi có mặt ít nhất"),
    "passing": _("Được thông qua khi tán thành quá"),
    "numerator": _("Tử số"),
    "denominator": _("Mẫu số"),
}

# A key that means something else in one event's before and after.
ACTION_FIELDS: dict[tuple[str, str], Any] = {
    ("conclusion.issue", "members"): _("Số ủy viên dự họp / tổng số ủy viên"),
    ("case.open", "reference"): _("Số hồ sơ thẩm tra"),
    ("conclusion.issue", "findings"): _("Vấn đề được dẫn"),
}

# Codes some keys hold, in words. Apps above this one add their own (``add_values``, from
# their AppConfig.ready), so the trail's pages need not know every app.
VALUES: dict[str, dict[str, Any]] = {
    "kind": {"search": _("tra cứu theo tên"), "list": _("danh sách hồ sơ")},
}
ACTION_VALUES: dict[tuple[str, str], dict[str, Any]] = {}
LEVEL_KEYS = ("classification", "clearance", "ceiling", "required_clearance", "max_clearance")
# Keys holding ids (or codes) of rows an app can name: key -> a function from the stored value
# to the words, None when nothing by that id is found (the page then shows that, not the id).
RESOLVERS: dict[str, Callable[[str], str | None]] = {}
# Keys whose whole value an app formats (e.g. a pair of numbers): (action, key) -> function.
FORMATTERS: dict[tuple[str, str], Callable[[Any], str]] = {}
UNKNOWN = _("(không còn trong hệ thống)")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def add_values(key: str, choices: Any, *, actions: tuple[str, ...] = ()) -> None:
    """Words for the codes ``key`` holds in events (an enum's ``choices``); with ``actions``,
    only in those events (a code another app's events use with another meaning)."""
    if actions:
        for action in actions:
            ACTION_VALUES.setdefault((action, key), {}).update(dict(choices))
    else:
        VALUES.setdefault(key, {}).update(dict(choices))


def add_resolver(keys: tuple[str, ...], resolve: Callable[[str], str | None]) -> None:
    """Show the rows these keys name by what they are called (``resolve`` returns None for a
    value it does not find)."""
    for key in keys:
        RESOLVERS[key] = resolve


def by_public_id(model: Any, name: Callable[[Any], str]) -> Callable[[str], str | None]:
    """A resolver: the row of ``model`` with this public id, in words (``name`` of it)."""

    def resolve(value: str) -> str | None:
        if not _UUID.match(value):
            return None
        row = model.objects.filter(public_id=value).first()
        return None if row is None else name(row)

    return resolve


# Object types whose rows an app names for a whole page of events at once (import and export
# batches, listings: the event keeps only the row's public id): types -> a function from the
# reader and the (type, public id) pairs of the page to their names, in one query.
Namer = Callable[[Any, list[tuple[str, str]]], dict[tuple[str, str], str]]
OBJECT_NAMERS: list[tuple[frozenset[str], Namer]] = []


def add_object_namer(types: tuple[str, ...], name_all: Namer) -> None:
    """Name the objects of these types on the auditors' pages (``name_all`` answers for every
    pair it is given that the reader may see, in one query)."""
    OBJECT_NAMERS.append((frozenset(types), name_all))


def object_names(user: Any, events: Any) -> dict[tuple[str, str], str]:
    """The names of the objects ``events`` are about, for types an app names: one call (one
    query) per namer for the page, whatever the number of events."""
    names: dict[tuple[str, str], str] = {}
    for types, name_all in OBJECT_NAMERS:
        keys = sorted(
            {(e.object_type, e.object_public_id) for e in events if e.object_type in types}
        )
        if keys:
            names.update(name_all(user, keys))
    return names


def add_formatter(action: str, key: str, show: Callable[[Any], str]) -> None:
    FORMATTERS[(action, key)] = show


def object_type_label(code: str) -> str:
    """The object type in words; a type the pages do not know yet is named generically."""
    if not code:
        return ""
    label = OBJECT_TYPES.get(code)
    return str(label) if label is not None else str(_("Đối tượng khác"))


def field_label(key: str, action: str = "") -> str:
    label = ACTION_FIELDS.get((action, key), FIELDS.get(key))
    return str(label) if label is not None else key.replace("_", " ")


def value_label(key: str, value: Any, action: str = "") -> Any:
    """A value as the page shows it: yes/no for booleans, words for known codes, a role list
    by the roles' names, the rows an id names by their names, a list item by item; anything
    else as stored."""
    from bvct.core.constants import Role

    if value is None:
        return None
    show = FORMATTERS.get((action, key))
    if show is not None:
        return show(value)
    if isinstance(value, bool):
        return str(_("có") if value else _("không"))
    if key == "roles" and isinstance(value, list):
        return "; ".join(str(Role(r).label) if r in Role.values else str(r) for r in value)
    if key == "action" and isinstance(value, str):
        from bvct.audit.constants import AuditAction

        return str(AuditAction(value).label) if value in AuditAction.values else value
    if isinstance(value, dict):  # a search's filters, a rule: each in words
        shown = (
            f"{field_label(k, action)}: {value_label(k, v, action)}"
            for k, v in value.items()
            if v not in (None, "", [], {}) and k != "schema"
        )
        return "; ".join(shown)
    if isinstance(value, list):  # item by item
        if not value:
            return None
        items = [value_label(key, v, action) for v in value]
        sep = " | " if any(isinstance(v, dict) for v in value) else "; "
        return sep.join("—" if v is None else str(v) for v in items)
    resolve = RESOLVERS.get(key)
    if resolve is not None and isinstance(value, str):
        named = resolve(value)
        if named is not None:
            return named
        if _UUID.match(value):
            return str(UNKNOWN)
    if key in LEVEL_KEYS:
        from bvct.core.constants import Classification

        if isinstance(value, int) and value in Classification.values:
            return str(Classification(value).label)
        if isinstance(value, str) and value in Classification.names:
            return str(Classification[value].label)
    try:
        found = ACTION_VALUES.get((action, key), {}).get(value)
        if found is None:
            found = VALUES.get(key, {}).get(value)
    except TypeError:  # an unhashable value
        found = None
    return str(found) if found is not None else value
