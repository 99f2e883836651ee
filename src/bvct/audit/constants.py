"""Audit event types: one enum for the whole system (grep an action to find who writes it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", _("Đăng nhập")
    LOGIN_FAILED = "auth.login_failed", _("Đăng nhập không thành công")
    LOGIN_LOCKED = "auth.login_locked", _("Tài khoản tạm khóa do đăng nhập sai nhiều lần")
    LOGOUT = "auth.logout", _("Đăng xuất")
    SESSION_EXPIRED = "auth.session_expired", _("Phiên làm việc hết hạn")
    TOKEN_CREATE = "auth.token_create", _("Cấp mã truy cập API")
    TOKEN_REVOKE = "auth.token_revoke", _("Thu hồi mã truy cập API")
    USER_CREATE = "user.create", _("Tạo tài khoản")
    USER_UPDATE = "user.update", _("Sửa tài khoản")
    USER_SET_PASSWORD = "user.set_password", _("Đặt mật khẩu")
    PASSWORD_CHANGE_FAILED = (
        "auth.password_change_failed",
        _("Nhập sai mật khẩu hiện tại khi đổi mật khẩu"),
    )
    USER_GRANT_REQUEST = "user.grant_request", _("Đề nghị cấp quyền")
    USER_GRANT_CONFIRM = "user.grant_confirm", _("Xác nhận cấp quyền")
    USER_GRANT_REFUSE = "user.grant_refuse", _("Từ chối đề nghị cấp quyền")
    USER_GRANT_WITHDRAW = "user.grant_withdraw", _("Rút đề nghị cấp quyền")
    ORG_KIND_CREATE = "org_kind.create", _("Tạo loại tổ chức")
    ORG_CREATE = "org.create", _("Tạo tổ chức")
    ORG_UPDATE = "org.update", _("Sửa tổ chức")
    TIER_CREATE = "tier.create", _("Tạo diện quản lý")
    SCOPE_SET = "scope.set", _("Phân cấp quản lý")
    DOSSIER_CREATE = "dossier.create", _("Lập hồ sơ")
    DOSSIER_UPDATE = "dossier.update", _("Sửa mức mật, chức vụ của hồ sơ")
    DOSSIER_VIEW = "dossier.view", _("Xem hồ sơ")
    DOSSIER_SEARCH = "dossier.search", _("Tra cứu hồ sơ")
    DOSSIER_EXPORT = "dossier.export", _("Xuất danh sách hồ sơ")
    DOSSIER_IMPORT = "dossier.import", _("Nhập hồ sơ từ tệp")
    DOSSIER_IMPORT_CHECK = "dossier.import_check", _("Kiểm tra tệp nhập hồ sơ")
    DECLARATION_SUBMIT = "declaration.submit", _("Nộp bản khai lý lịch")
    PERSON_LINK_DECIDE = "person_link.decide", _("Quyết định về liên kết thân nhân")
    DATA_GENERATE = "data.generate", _("Sinh dữ liệu thử nghiệm")
    AUDIT_SEARCH = "audit.search", _("Tra cứu nhật ký")
    AUDIT_VIEW = "audit.view", _("Xem sự kiện nhật ký")
    AUDIT_VERIFY = "audit.verify", _("Kiểm tra chuỗi nhật ký")
    RULE_PACK_DRAFT = "rule_pack.draft", _("Lập bản nháp bộ quy tắc")
    RULE_PACK_EDIT = "rule_pack.edit", _("Sửa bản nháp bộ quy tắc")
    RULE_PACK_PUBLISH = "rule_pack.publish", _("Công bố bộ quy tắc")
    RULE_PACK_DISCARD = "rule_pack.discard", _("Hủy bản nháp bộ quy tắc")
    CALENDAR_DAY_SET = "calendar_day.set", _("Nhập ngày nghỉ, ngày làm việc bù")
    CALENDAR_DAY_REMOVE = "calendar_day.remove", _("Xóa ngày nghỉ, ngày làm việc bù đã nhập")
    # positions
    POST_CREATE = "post.create", _("Tạo chức vụ")
    POST_UPDATE = "post.update", _("Sửa chức vụ")
    POST_CLOSE = "post.close", _("Thôi sử dụng chức vụ")
    CATALOGUE_CREATE = "catalogue.create", _("Thêm mục danh mục trọng yếu, cơ mật")
    CATALOGUE_UPDATE = "catalogue.update", _("Sửa mục danh mục trọng yếu, cơ mật")
    CATALOGUE_CLOSE = "catalogue.close", _("Đưa mục ra khỏi danh mục trọng yếu, cơ mật")
    CATALOGUE_IMPORT = "catalogue.import", _("Nhập danh mục trọng yếu, cơ mật từ tệp")
    HOLDING_CREATE = "holding.create", _("Ghi chức vụ đang giữ, quy hoạch, ứng cử")
    HOLDING_END = "holding.end", _("Kết thúc giữ chức vụ, quy hoạch, ứng cử")
    DECISION_RECORD = "decision.record", _("Ghi đề xuất quyết định nhân sự")
    DECISION_WITHDRAW = "decision.withdraw", _("Rút đề xuất quyết định nhân sự")
    TERM_CREATE = "term.create", _("Khai báo nhiệm kỳ")
    TERM_UPDATE = "term.update", _("Sửa nhiệm kỳ")
    DOCUMENT_TEMPLATE_INSTALL = "document_template.install", _("Cài mẫu văn bản mặc định")
    DOCUMENT_TEMPLATE_REPLACE = "document_template.replace", _("Thay mẫu văn bản")
    DOCUMENT_ISSUE = "document.issue", _("Ban hành văn bản")
    DOCUMENT_DOWNLOAD = "document.download", _("Tải văn bản")


GENESIS_HASH = bytes(32)
# pg_advisory_xact_lock key that serialises appends ("BVCTAUD" as an integer).
APPEND_LOCK_KEY = 0x4256435441554400
