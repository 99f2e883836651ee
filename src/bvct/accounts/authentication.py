"""API token authentication: ``Authorization: Bearer <key>`` (or ``Token <key>``)."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from bvct.accounts.services import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Mã truy cập không hợp lệ.")
        user = api_token_authenticate(header[1].decode(errors="replace"))
        if user is None:
            raise exceptions.AuthenticationFailed("Mã truy cập không hợp lệ hoặc đã hết hạn.")
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"
