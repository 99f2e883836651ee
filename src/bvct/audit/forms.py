from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.audit.constants import AuditAction
from bvct.audit.selectors import EventFilter
from bvct.core.fields import day_input

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
# The form's own words for what it refuses (Django's would be English for a UUID).
BAD_DATE = {"invalid": _("Ngày không hợp lệ: viết dd/mm/yyyy, ví dụ 25/12/2025.")}


class EventSearchForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện (tên đăng nhập)"), required=False)
    subject = forms.UUIDField(
        label=_("Người được nói đến (mã định danh)"),
        required=False,
        error_messages={
            "invalid": _(
                "Mã định danh không hợp lệ: cần dạng 8-4-4-4-12 chữ số và chữ a–f, "
                "như ở trang hồ sơ hoặc trang sự kiện."
            )
        },
    )
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Loại sự kiện"),
        required=False,
        choices=[("", _("Tất cả")), *AuditAction.choices],
    )
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages=BAD_DATE,
        widget=day_input(),
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages=BAD_DATE,
        widget=day_input(),
    )
    before = forms.IntegerField(
        label=_("Trang tiếp theo"),
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Địa chỉ trang không hợp lệ; hãy tìm lại."),
            "min_value": _("Địa chỉ trang không hợp lệ; hãy tìm lại."),
        },
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
        return data

    def to_filter(self) -> EventFilter:
        d = self.cleaned_data
        return EventFilter(
            actor=d.get("actor") or "",
            subject=d.get("subject"),
            object_id=d.get("object_id") or "",
            action=d.get("action") or "",
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            before_seq=d.get("before"),
        )
