"""The administrator's organisation forms (rename, add a child organisation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.orgs.models import OrganisationKind


class OrganisationRenameForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=300)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OrganisationChildForm(forms.Form):
    name = forms.CharField(label=_("Tên tổ chức trực thuộc"), max_length=300)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    kind = forms.ModelChoiceField(
        label=_("Loại tổ chức"),
        queryset=OrganisationKind.objects.all(),
        to_field_name="code",
        empty_label="—",
        error_messages={"invalid_choice": _("Hãy chọn một loại tổ chức trong danh sách.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "child")
        super().__init__(*args, **kwargs)
