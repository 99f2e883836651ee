"""Sign-in form with one message for every failure (it must not reveal which accounts exist)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.accounts.models import User


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
                locked_until = getattr(self.request, "bvct_login_locked_until", None)
                if locked_until is not None:
                    minutes = max(1, int((locked_until - timezone.now()).total_seconds() // 60) + 1)
                    raise forms.ValidationError(
                        _(
                            "Đăng nhập sai quá nhiều lần. Tên đăng nhập này tạm bị khóa, "
                            "hãy thử lại sau %(minutes)s phút."
                        ),
                        params={"minutes": minutes},
                        code="locked",
                    )
                raise forms.ValidationError(
                    _("Tên đăng nhập hoặc mật khẩu không đúng."), code="invalid_login"
                )
        return data
