"""Forms of posts, the catalogue, holdings and decisions. Organisations, posts and catalogue
entries are chosen by name (never by code): a select of those the user may choose, sending
the chosen one's public id; one outside that choice is refused as one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Classification
from bvct.core.fields import day_field
from bvct.orgs.forms import OrganisationField, bind_organisation_fields
from bvct.positions.constants import CatalogueKind, DecisionKind, HoldingKind, Tier
from bvct.positions.models import CatalogueEntry, Post
from bvct.positions.selectors import catalogue_list, post_list

# How many a chooser lists (the topmost organisations' first, then by name): a longer choice
# is narrowed on the list pages, whose filters take part of the name.
CHOICES_SHOWN = 500


def _date_field(label: Any, required: bool = True) -> forms.DateField:
    return day_field(
        label,
        required=required,
        error_messages={"invalid": _("Ngày không hợp lệ (ngày/tháng/năm).")},
    )


class GatedChoiceField(forms.ChoiceField):
    """A post or catalogue entry the user may choose, by name; sent as its public id."""

    def __init__(self, *, empty: Any, **kwargs: Any) -> None:
        super().__init__(choices=[("", empty)], **kwargs)
        self.empty = empty
        self.rows: dict[str, Any] = {}

    def offer(self, rows: QuerySet[Any], label: Callable[[Any], str]) -> None:
        found = list(rows[:CHOICES_SHOWN])
        self.rows = {str(row.public_id): row for row in found}
        self.choices = [("", self.empty), *((str(r.public_id), label(r)) for r in found)]

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        if not key:
            return None
        return self.rows[key]

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.rows


def _post_label(post: Post) -> str:
    return f"{post.name} — {post.organisation.name}"


def _entry_label(entry: CatalogueEntry) -> str:
    return f"{entry.name} ({entry.get_kind_display()}) — {entry.organisation.name}"


_INVALID = {"invalid_choice": _("Không có lựa chọn này; hãy chọn trong danh sách.")}


def _levels(up_to: int) -> list[tuple[str, Any]]:
    return [(c.name, c.label) for c in Classification if c.value <= up_to]


class PostFilterForm(forms.Form):
    org = OrganisationField(label=_("Tổ chức"), required=False, blank="all")
    q = forms.CharField(label=_("Tên chức vụ"), required=False, max_length=100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, user)


class PostForm(forms.Form):
    organisation = OrganisationField(label=_("Tổ chức"))
    name = forms.CharField(label=_("Tên chức vụ"), max_length=300)
    tier = forms.ChoiceField(label=_("Cấp"), choices=Tier.choices)
    is_management = forms.BooleanField(label=_("Chức vụ lãnh đạo, quản lý"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, user)


class PostEditForm(forms.Form):
    name = forms.CharField(label=_("Tên chức vụ"), max_length=300)
    tier = forms.ChoiceField(label=_("Cấp"), choices=Tier.choices)
    is_management = forms.BooleanField(label=_("Chức vụ lãnh đạo, quản lý"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CatalogueFilterForm(forms.Form):
    org = OrganisationField(label=_("Tổ chức"), required=False, blank="all")
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("— Mọi loại —")), *CatalogueKind.choices]
    )
    q = forms.CharField(label=_("Tên"), required=False, max_length=100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, user)


class _ListingFields(forms.Form):
    name = forms.CharField(
        label=_("Tên"), max_length=300, required=False,
        help_text=_("Mục loại “Vị trí”: để trống thì lấy tên chức vụ."),
    )  # fmt: skip
    listing_number = forms.CharField(label=_("Số, ký hiệu quyết định"), max_length=60)
    listing_date = _date_field(_("Ngày quyết định"))
    listing_issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=300)
    required_clearance = forms.ChoiceField(
        label=_("Mức tiếp cận bí mật yêu cầu"), choices=_levels(3)
    )
    classification = forms.ChoiceField(label=_("Độ mật của mục"), choices=_levels(0))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["classification"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _levels(int(getattr(user, "clearance", 0)))


class CatalogueEntryForm(_ListingFields):
    kind = forms.ChoiceField(label=_("Loại"), choices=CatalogueKind.choices)
    organisation = OrganisationField(label=_("Tổ chức"))
    post = GatedChoiceField(
        label=_("Chức vụ (mục loại “Vị trí”)"), required=False, empty=_("— Không —"),
        error_messages=_INVALID,
    )  # fmt: skip
    field_order = ["kind", "organisation", "post", "name"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        bind_organisation_fields(self, user)
        post = self.fields["post"]
        assert isinstance(post, GatedChoiceField)
        post.offer(post_list(user=user, action="change"), _post_label)


class CatalogueEditForm(_ListingFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CatalogueImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh mục (.xlsx)"))


class HoldingForm(forms.Form):
    post = GatedChoiceField(
        label=_("Chức vụ"), empty=_("— Chọn chức vụ —"), error_messages=_INVALID
    )
    kind = forms.ChoiceField(label=_("Hình thức"), choices=HoldingKind.choices)
    starts_on = _date_field(_("Từ ngày"))
    ends_on = _date_field(_("Đến ngày"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "holding")
        super().__init__(*args, **kwargs)
        post = self.fields["post"]
        assert isinstance(post, GatedChoiceField)
        post.offer(post_list(user=user), _post_label)


class HoldingEndForm(forms.Form):
    ends_on = _date_field(_("Ngày kết thúc"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DecisionForm(forms.Form):
    # No kind chosen in advance: the officer says which decision this is (a default would be
    # recorded, and checked, for whoever did not look).
    kind = forms.ChoiceField(
        label=_("Loại quyết định"),
        choices=[("", _("— Chọn loại quyết định —")), *DecisionKind.choices],
        error_messages={
            "required": _("Hãy chọn loại quyết định (quy hoạch, bổ nhiệm, giới thiệu ứng cử…)."),
            **_INVALID,
        },
    )
    post = GatedChoiceField(
        label=_("Chức vụ"), required=False, empty=_("— Không —"), error_messages=_INVALID,
        help_text=_("Bắt buộc với quy hoạch và bổ nhiệm."),
    )  # fmt: skip
    catalogue_entry = GatedChoiceField(
        label=_("Mục trong danh mục trọng yếu, cơ mật"), required=False, empty=_("— Không —"),
        error_messages=_INVALID,
        help_text=_("Bắt buộc khi bố trí vào cơ quan, bộ phận, vị trí trọng yếu, cơ mật."),
    )  # fmt: skip
    deciding_org = OrganisationField(label=_("Cơ quan đề xuất"), among="visible")
    proposed_on = _date_field(_("Ngày đề xuất"))
    reference = forms.CharField(label=_("Số văn bản đề xuất"), max_length=60, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, user)
        post = self.fields["post"]
        assert isinstance(post, GatedChoiceField)
        post.offer(post_list(user=user), _post_label)
        entry = self.fields["catalogue_entry"]
        assert isinstance(entry, GatedChoiceField)
        entry.offer(catalogue_list(user=user), _entry_label)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Lý do rút đề xuất"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
