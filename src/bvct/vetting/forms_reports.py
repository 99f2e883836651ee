"""The casework reports' forms: the period of the timeliness report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.core.fields import day_field
from bvct.vetting.services_common import today

DATE_FORMAT = "%d/%m/%Y"


def _day(label: Any, help_text: Any) -> forms.DateField:
    return day_field(
        label,
        required=False,
        help_text=help_text,
        error_messages={
            "invalid": _("Ngày không hợp lệ: hãy nhập ngày/tháng/năm, ví dụ 05/01/2026."),
        },
    )


class TimelinessForm(forms.Form):
    """Which cases the report counts: those opened from ``since`` to ``until`` (included;
    either may be left empty)."""

    since = _day(_("Hồ sơ mở từ ngày"), _("ngày/tháng/năm; để trống: từ hồ sơ đầu tiên"))
    until = _day(_("Đến ngày"), _("ngày/tháng/năm; để trống: đến hôm nay"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: dt.date | None = data.get("since")
        until: dt.date | None = data.get("until")
        now = today()
        if since is not None and since > now:
            self.add_error(
                "since",
                _("Ngày bắt đầu %(day)s còn ở tương lai: hãy chọn một ngày đến hôm nay %(today)s.")
                % {"day": since.strftime(DATE_FORMAT), "today": now.strftime(DATE_FORMAT)},
            )
        if since is not None and until is not None and until < since:
            self.add_error(
                "until",
                _("“Đến ngày” (%(until)s) phải từ “Hồ sơ mở từ ngày” (%(since)s) trở về sau.")
                % {"until": until.strftime(DATE_FORMAT), "since": since.strftime(DATE_FORMAT)},
            )
        return data
