"""The administrator's forms: a term of an issuing body, a replacement template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.orgs.forms import OrganisationField, bind_organisation_fields

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TermForm(forms.Form):
    issuer = OrganisationField(label=_("Cơ quan ban hành"), among="visible")
    name = forms.CharField(label=_("Tên nhiệm kỳ"), max_length=100, help_text=_("Ví dụ: 2025–2030"))
    starts_on = forms.DateField(label=_("Từ ngày"), widget=_DATE)
    ends_on = forms.DateField(
        label=_("Đến ngày"), required=False, widget=_DATE, help_text=_("Để trống nếu chưa rõ.")
    )
    symbol = forms.CharField(
        label=_("Ký hiệu cơ quan ban hành"),
        max_length=30,
        help_text=_("Phần sau dấu “/” của số, ký hiệu văn bản (ví dụ: TU trong 12-KL/TU)."),
    )
    heading = forms.CharField(
        label=_("Tên cơ quan ban hành (in trên văn bản)"),
        max_length=200,
        help_text=_("Ví dụ: TỈNH ỦY BẮC NINH"),
    )
    heading_parent = forms.CharField(
        label=_("Tên cơ quan cấp trên (dòng trên, nếu có)"), max_length=200, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, actor)
        if editing:
            del self.fields["issuer"]
        else:
            del self.fields["version"]


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp mẫu mới (.docx)"))
