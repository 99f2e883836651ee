from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Họ tên (gõ có dấu hoặc không dấu)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    birth_year = forms.IntegerField(
        label=_("Năm sinh"), required=False, min_value=1850, max_value=2100
    )
    hometown = forms.CharField(label=_("Quê quán"), required=False, max_length=100)
    org = forms.CharField(label=_("Mã tổ chức"), required=False, max_length=64)
    relatives = forms.BooleanField(label=_("Tìm cả thân nhân"), required=False)


class ImportForm(forms.Form):
    org = forms.CharField(label=_("Mã tổ chức quản lý"), max_length=64)
    file = forms.FileField(label=_("Tệp hồ sơ (.xlsx hoặc .csv)"))
