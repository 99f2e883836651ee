from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bvct.orgs.forms import OrganisationField, bind_organisation_fields

# A name search's page: 50 persons; pages go as far as offset MAX_OFFSET.
SEARCH_PAGE_SIZE = 50
MAX_OFFSET = 10_000
MAX_API_LIMIT = 200  # the engine's largest page


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Họ tên (gõ có dấu hoặc không dấu)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    birth_year = forms.IntegerField(
        label=_("Năm sinh"),
        required=False,
        min_value=1850,
        max_value=2100,
        error_messages={
            "invalid": _("Năm sinh phải là một số, ví dụ 1975."),
            "min_value": _("Năm sinh phải từ 1850 đến 2100."),
            "max_value": _("Năm sinh phải từ 1850 đến 2100."),
        },
    )
    hometown = forms.CharField(label=_("Quê quán"), required=False, max_length=100)
    org = OrganisationField(label=_("Tổ chức"), required=False, blank="all")
    relatives = forms.BooleanField(label=_("Tìm cả thân nhân"), required=False)
    # Which page of a name search's results (the links under the list set it; a new search
    # starts again at the first). Not shown: the form's fields are its visible ones.
    page = forms.IntegerField(
        label=_("Trang"),
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Số trang phải là một số, ví dụ 2."),
            "min_value": _("Số trang bắt đầu từ 1."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        page = data.get("page")
        # A name search's results are paged up to MAX_OFFSET; the list of dossiers without
        # a name (its own pages) is not bounded so.
        if page and data.get("q") and (page - 1) * SEARCH_PAGE_SIZE > MAX_OFFSET:
            self.add_error(
                "page",
                _(
                    "Chỉ xem được đến trang %(last)s của kết quả tìm: hãy thêm năm sinh, "
                    "quê quán hoặc tổ chức để thu hẹp."
                )
                % {"last": MAX_OFFSET // SEARCH_PAGE_SIZE + 1},
            )
        return data

    def window(self) -> dict[str, int]:
        """The page asked for, as the search engine takes it (``offset``, ``limit``)."""
        page = self.cleaned_data.get("page") or 1
        return {"offset": (page - 1) * SEARCH_PAGE_SIZE, "limit": SEARCH_PAGE_SIZE}

    def filters(self) -> dict[str, Any]:
        """The search as its audit event and export batch record it (the organisation by its
        code, as the API takes it; the page when it is not the first)."""
        data = dict(self.cleaned_data)
        data["org"] = data["org"].code if data.get("org") else ""
        if (data.get("page") or 1) == 1:
            data.pop("page", None)
        return data

    def query(self) -> dict[str, str]:
        """The search as the parameters of a link (to its export): what was sent, cleaned."""
        data = self.cleaned_data
        params = {
            "q": data["q"],
            "birth_year": "" if data["birth_year"] is None else str(data["birth_year"]),
            "hometown": data["hometown"],
            "org": str(data["org"].public_id) if data["org"] else "",
            "relatives": "on" if data["relatives"] and data["q"] else "",
        }
        return {k: v for k, v in params.items() if v}


class PersonSearchApiForm(PersonSearchForm):
    """The search as the API takes it: the page as ``offset`` and ``limit``."""

    offset = forms.IntegerField(
        label=_("Vị trí bắt đầu"),
        required=False,
        min_value=0,
        max_value=MAX_OFFSET,
        error_messages={
            "invalid": _("Vị trí bắt đầu (offset) phải là một số nguyên."),
            "min_value": _("Vị trí bắt đầu (offset) phải từ 0 đến 10.000."),
            "max_value": _("Vị trí bắt đầu (offset) phải từ 0 đến 10.000."),
        },
    )
    limit = forms.IntegerField(
        label=_("Số người mỗi trang"),
        required=False,
        min_value=1,
        max_value=MAX_API_LIMIT,
        error_messages={
            "invalid": _("Số người mỗi trang (limit) phải là một số nguyên."),
            "min_value": _("Số người mỗi trang (limit) phải từ 1 đến 200."),
            "max_value": _("Số người mỗi trang (limit) phải từ 1 đến 200."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["page"]

    def window(self) -> dict[str, int]:
        data = self.cleaned_data
        offset = data.get("offset")
        limit = data.get("limit")
        return {
            "offset": 0 if offset is None else offset,
            "limit": SEARCH_PAGE_SIZE if limit is None else limit,
        }

    def filters(self) -> dict[str, Any]:
        data = super().filters()
        if not data.get("offset"):
            data.pop("offset", None)
        data.pop("limit", None)
        return data


class ImportForm(forms.Form):
    org = OrganisationField(label=_("Tổ chức quản lý"))
    file = forms.FileField(label=_("Tệp hồ sơ (.xlsx hoặc .csv)"))
    # Set after a successful check: the import then refuses dossiers changed since.
    checked_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    checked_sha256 = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    check_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, user)


SEX_CHOICES = [("", "—"), ("M", _("Nam")), ("F", _("Nữ"))]


class IdentityForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    other_names = forms.CharField(label=_("Tên gọi khác"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=SEX_CHOICES, required=False)
    birth = forms.CharField(
        label=_("Ngày sinh"), help_text=_("dd/mm/yyyy, mm/yyyy hoặc yyyy"), max_length=20
    )
    death = forms.CharField(label=_("Ngày mất"), max_length=20, required=False)
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=20, required=False)
    party_card_no = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False)
    birthplace = forms.CharField(label=_("Nơi sinh"), max_length=300, required=False)
    hometown = forms.CharField(label=_("Quê quán"), max_length=300, required=False)
    residence = forms.CharField(label=_("Nơi ở hiện nay"), max_length=300, required=False)
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=50, required=False)
    religion = forms.CharField(label=_("Tôn giáo"), max_length=50, required=False)
    nationality = forms.CharField(label=_("Quốc tịch"), max_length=50, required=False)
    occupation = forms.CharField(label=_("Nghề nghiệp"), max_length=200, required=False)
    education = forms.CharField(label=_("Trình độ"), max_length=200, required=False)


class RelativeForm(forms.Form):
    person = forms.CharField(widget=forms.HiddenInput, required=False)
    relation = forms.ChoiceField(label=_("Quan hệ"), choices=[])
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=SEX_CHOICES, required=False)
    # A relative's dates are often a year only; a full date is taken too.
    birth = forms.CharField(label=_("Ngày/năm sinh"), max_length=20, required=False)
    death = forms.CharField(label=_("Ngày/năm mất"), max_length=20, required=False)
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=20, required=False)
    hometown = forms.CharField(label=_("Quê quán"), max_length=300, required=False)
    residence = forms.CharField(label=_("Nơi ở"), max_length=300, required=False)
    occupation = forms.CharField(label=_("Nghề nghiệp"), max_length=200, required=False)
    political_history = forms.CharField(
        label=_("Lịch sử chính trị"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    current_situation = forms.CharField(
        label=_("Chính trị hiện nay"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from bvct.people.models import RelationKind

        # An empty first choice: a browser posts a select's first option even in an
        # untouched blank row, which would make the row look filled in.
        self.fields["relation"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (k.code, k.name) for k in RelationKind.objects.order_by("sort_order")
        ]


class PeriodForm(forms.Form):
    start = forms.CharField(label=_("Từ"), max_length=20, required=False)
    end = forms.CharField(label=_("Đến"), max_length=20, required=False)
    text = forms.CharField(label=_("Nội dung"), max_length=2000)


class EventForm(PeriodForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=[])
    country = forms.CharField(label=_("Nước"), max_length=100, required=False)


RelativeFormSet = forms.formset_factory(RelativeForm, extra=6, can_delete=True)
PeriodFormSet = forms.formset_factory(PeriodForm, extra=3, can_delete=True)
EventFormSet = forms.formset_factory(EventForm, extra=2, can_delete=True)


class DossierUpdateForm(forms.Form):
    """The dossier's own fields on its page; ``version`` is what the officer saw."""

    classification = forms.ChoiceField(label=_("Mức mật"))
    current_posts = forms.CharField(
        label=_("Chức vụ hiện nay"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = [("NONE", _("Không mật")), ("MAT", _("Mật")), ("TOI_MAT", _("Tối mật")),
                  ("TUYET_MAT", _("Tuyệt mật"))]  # fmt: skip
        # Only levels the officer holds: a dossier above them would leave their view.
        cast(forms.ChoiceField, self.fields["classification"]).choices = levels[: clearance + 1]


class DossierOpenForm(forms.Form):
    managing_org = OrganisationField(label=_("Tổ chức quản lý"))
    classification = forms.ChoiceField(
        label=_("Mức mật"),
        choices=[
            ("NONE", _("Không mật")),
            ("MAT", _("Mật")),
            ("TOI_MAT", _("Tối mật")),
            ("TUYET_MAT", _("Tuyệt mật")),
        ],
    )
    current_posts = forms.CharField(label=_("Chức vụ hiện nay"), required=False, max_length=500)

    def __init__(self, *args: Any, clearance: int = 3, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_organisation_fields(self, user)
        # Only levels the officer holds (as DossierUpdateForm): one above would be refused.
        field = cast(forms.ChoiceField, self.fields["classification"])
        field.choices = list(cast(list[tuple[str, str]], field.choices))[: clearance + 1]


LEVELS = [("NONE", _("Không mật")), ("MAT", _("Mật")), ("TOI_MAT", _("Tối mật")),
          ("TUYET_MAT", _("Tuyệt mật"))]  # fmt: skip


class DossierExportForm(forms.Form):
    """What an export asks besides the search it follows: up to which level, and why."""

    ceiling = forms.ChoiceField(label=_("Chỉ xuất hồ sơ đến mức"), choices=LEVELS)
    purpose = forms.ChoiceField(label=_("Mục đích xuất"))
    purpose_detail = forms.CharField(
        label=_("Ghi rõ mục đích (bắt buộc khi chọn “Khác”)"), required=False, max_length=300
    )

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        from bvct.people.constants import ExportPurpose

        super().__init__(*args, **kwargs)
        self.clearance = clearance
        # The least secret level first: exporting more is a choice made on purpose.
        self.fields["ceiling"].initial = LEVELS[0][0]
        # Offered: the levels the officer holds (one above is refused with its reason).
        cast(forms.Select, self.fields["ceiling"].widget).choices = LEVELS[: clearance + 1]
        purpose = cast(forms.ChoiceField, self.fields["purpose"])
        purpose.choices = [("", _("— Chọn mục đích —")), *ExportPurpose.choices]
        purpose.error_messages["required"] = _("Hãy chọn mục đích xuất.")

    def clean_ceiling(self) -> int:
        level = [code for code, _label in LEVELS].index(self.cleaned_data["ceiling"])
        if level > self.clearance:
            raise forms.ValidationError(
                _("Không được xuất hồ sơ mức %(level)s: cao hơn mức bạn được tiếp cận (%(own)s).")
                % {"level": LEVELS[level][1], "own": LEVELS[self.clearance][1]}
            )
        return level

    def clean(self) -> dict[str, Any]:
        from bvct.people.constants import ExportPurpose

        data = super().clean() or {}
        if (
            data.get("purpose") == ExportPurpose.OTHER
            and not data.get("purpose_detail", "").strip()
        ):
            self.add_error("purpose_detail", _("Hãy ghi rõ mục đích xuất."))
        return data
