"""Sign-in form (one message for every failure: it must not reveal which accounts exist) and
the administrator's account forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.accounts.models import User
from bvct.core.constants import Classification, Role
from bvct.orgs.forms import OrganisationField, bind_organisation_fields


class PasswordChangeForm(forms.Form):
    """One's own new password: the current one, and the new one typed twice."""

    current = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 12 ký tự; không giống tên đăng nhập, họ tên; không quá phổ biến."),
    )
    again = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new") and data.get("again") and data["new"] != data["again"]:
            self.add_error("again", _("Hai lần nhập mật khẩu mới không giống nhau."))
        return data


def _lock_message(until: Any, what: str) -> str:
    """What is limited, and for how long, in words: the name from this computer, the name
    from everywhere, or this computer."""
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
    wait = (
        _("%(n)s giây") % {"n": seconds}
        if seconds < 60
        else _("%(n)s phút") % {"n": (seconds + 59) // 60}
    )
    if what == "pair":
        return _(
            "Đăng nhập sai nhiều lần với tên đăng nhập này từ máy này; hãy thử lại sau %(wait)s "
            "(mỗi lần sai tiếp theo phải chờ lâu hơn)."
        ) % {"wait": wait}
    if what == "address":
        return _(
            "Máy này đã đăng nhập sai quá nhiều lần (với nhiều tên đăng nhập) nên tạm bị chặn; "
            "hãy thử lại sau %(wait)s, hoặc từ máy khác."
        ) % {"wait": wait}
    return _(
        "Đăng nhập sai quá nhiều lần. Tên đăng nhập này tạm bị khóa, hãy thử lại sau %(wait)s."
    ) % {"wait": wait}


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username, password = data.get("username"), data.get("password")
        if username and password is not None:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                lock = getattr(self.request, "bvct_login_lock", None)
                if lock is not None:
                    raise forms.ValidationError(_lock_message(*lock), code="locked")
                raise forms.ValidationError(
                    _("Tên đăng nhập hoặc mật khẩu không đúng."), code="invalid_login"
                )
        return data


# --- account administration -------------------------------------------------------------------


# The account's organisation and scope: any organisation the administrator may see, chosen by
# name with the organisations' chooser.
_ORG_ERRORS = {
    "required": _("Hãy chọn một đơn vị trong danh sách."),
    "invalid": _("Hãy chọn một đơn vị trong danh sách."),
}


class UserEditForm(forms.Form):
    """An account's details, roles, clearance, organisation and scope, as the administrator
    changes them (``version`` is the one the page showed: a later change refuses the save)."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    citizen_id = forms.CharField(
        label=_("Số CCCD"),
        required=False,
        max_length=14,
        help_text=_(
            "Để kiểm tra người thẩm tra, người ký không phải người được thẩm tra hay thân nhân."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    clearance = forms.TypedChoiceField(
        label=_("Mức được tiếp cận bí mật"), choices=Classification.choices, coerce=int
    )
    organisation = OrganisationField(label=_("Đơn vị"), among="visible", error_messages=_ORG_ERRORS)
    scope = OrganisationField(
        label=_("Phạm vi công tác"),
        required=False,
        blank="unit",
        among="visible",
        help_text=_("Mặc định: đơn vị, hoặc cấp ủy mà ban đó tham mưu."),
        error_messages=_ORG_ERRORS,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, actor)


class UserCreateForm(UserEditForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=64,
        help_text=_("3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu (bỏ trống để hệ thống tạo mật khẩu tạm)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "full_name", "email", "citizen_id", "password"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        del self.fields["version"]


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu mới (bỏ trống để hệ thống tạo mật khẩu tạm)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class UserActiveForm(forms.Form):
    is_active = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Họ tên hoặc tên đăng nhập"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("active", _("Đang hoạt động")), ("disabled", _("Đã khóa"))],
    )
