"""Forms of the casework pages. Everything is chosen by name, never by code: officers by their
full name, persons by name and relation, agencies by name, categories and outcomes by their
words. A chooser offers only what the page may offer (sent as a public id or a code); anything
else is refused as a choice that does not exist. Forms that change a case carry its
``version`` (hidden), so that two people's edits cannot overwrite each other."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Classification
from bvct.core.fields import day_field
from bvct.vetting.constants import (
    DECISION_KINDS,
    CaseOrigin,
    CaseState,
    ChangeKind,
    Duty,
    FindingPeriod,
    FindingStatus,
    Outcome,
)

_INVALID = {"invalid_choice": _("Không có lựa chọn này; hãy chọn trong danh sách.")}


def date_field(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return day_field(
        label,
        required=required,
        help_text=help_text,
        error_messages={
            "invalid": _("Ngày không hợp lệ (ngày/tháng/năm)."),
            "required": _("Hãy nhập ngày (ngày/tháng/năm)."),
        },
    )


class RowChoiceField(forms.ChoiceField):
    """A row chosen by name among those offered (``offer``), sent as its public id; cleaned to
    the row itself."""

    def __init__(self, *, empty: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", _INVALID)
        super().__init__(choices=[], **kwargs)
        self.empty = empty
        self.rows: dict[str, Any] = {}

    def offer(self, rows: Iterable[Any], label: Any) -> None:
        self.rows = {str(row.public_id): row for row in rows}
        head = [("", self.empty)] if self.empty is not None else []
        self.choices = [*head, *((key, label(row)) for key, row in self.rows.items())]

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.rows.get(key) if key else None

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.rows


class RowMultipleChoiceField(forms.MultipleChoiceField):
    """Several rows chosen by name (check boxes), sent as public ids; cleaned to the rows."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", _INVALID)
        kwargs.setdefault("required", False)
        super().__init__(choices=[], **kwargs)
        self.rows: dict[str, Any] = {}

    def offer(self, rows: Iterable[Any], label: Any) -> None:
        self.rows = {str(row.public_id): row for row in rows}
        self.choices = [(key, label(row)) for key, row in self.rows.items()]

    def clean(self, value: Any) -> list[Any]:
        keys = super().clean(value)
        return [self.rows[k] for k in keys]

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.rows


class VersionForm(forms.Form):
    """A form of the case page: its fields' ids start with ``ids`` (several forms share the
    page, so no two inputs get the same id) and it carries the case's version."""

    ids = "case"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.ids}_%s")
        super().__init__(*args, **kwargs)


# --- the case list ----------------------------------------------------------------------------

OPEN_CHOICES = [
    ("", _("— Mọi bước đang giải quyết —")),
    *((s.value, s.label) for s in CaseState if s not in (CaseState.CONCLUDED, CaseState.WITHDRAWN)),
    (CaseState.CONCLUDED.value, CaseState.CONCLUDED.label),
    (CaseState.WITHDRAWN.value, CaseState.WITHDRAWN.label),
]


class CaseFilterForm(forms.Form):
    """The case list's filters; the committees offered are those the user may see (sent as
    their public ids)."""

    q = forms.CharField(
        label=_("Số hồ sơ hoặc tên người được thẩm tra"), required=False, max_length=100,
        help_text=_("Gõ có dấu hoặc không dấu đều được."),
        error_messages={"max_length": _("Nội dung tìm dài quá 100 ký tự.")},
    )  # fmt: skip
    state = forms.ChoiceField(
        label=_("Bước"), choices=OPEN_CHOICES, required=False, error_messages=_INVALID
    )
    committee = RowChoiceField(
        label=_("Cấp có thẩm quyền kết luận"), empty=_("— Mọi cấp ủy —"), required=False
    )
    late = forms.BooleanField(label=_("Chỉ hồ sơ quá hạn"), required=False)
    mine = forms.BooleanField(label=_("Chỉ hồ sơ tôi được phân công"), required=False)

    def __init__(self, *args: Any, committees: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].offer(committees, lambda o: o.name)  # type: ignore[attr-defined]


# --- the case page ----------------------------------------------------------------------------


class TransitionForm(VersionForm):
    ids = "move"
    to = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)


class WithdrawForm(VersionForm):
    ids = "withdraw"
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ thẩm tra"), max_length=2000,
        error_messages={"required": _("Hãy ghi lý do rút hồ sơ thẩm tra.")},
    )  # fmt: skip


class AssignForm(VersionForm):
    ids = "assign"
    user = RowChoiceField(label=_("Cán bộ"), empty=_("— Chọn cán bộ —"))
    duty = forms.ChoiceField(label=_("Nhiệm vụ"), choices=Duty.choices, error_messages=_INVALID)

    def __init__(self, *args: Any, officers: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].offer(officers, lambda u: u.full_name)  # type: ignore[attr-defined]


class UnassignForm(VersionForm):
    ids = "unassign"
    user = forms.UUIDField(widget=forms.HiddenInput)
    duty = forms.ChoiceField(choices=Duty.choices, widget=forms.HiddenInput)


class AppraisalForm(VersionForm):
    ids = "appraisal"
    nothing_found = forms.TypedChoiceField(
        label=_("Kết quả thẩm định"),
        choices=[
            ("0", _("Có nội dung cần xem xét (ghi các vấn đề bên dưới)")),
            ("1", _("Không có vấn đề cần thẩm tra, xác minh")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages=_INVALID,
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def person_label(person: Any) -> str:
    if person.is_subject:
        return f"{person.full_name} (người được thẩm tra)"
    relation = getattr(getattr(person, "relation", None), "name", "") or "thân nhân"
    return f"{person.full_name} ({relation})"


def result_label(result: Any) -> str:
    return (
        f"{result.agency.name}, văn bản số {result.document_number} ngày "
        f"{result.document_date:%d/%m/%Y}"
    )


class FindingForm(VersionForm):
    ids = "finding"
    category = forms.ChoiceField(label=_("Loại vấn đề"), error_messages=_INVALID)
    person = RowChoiceField(label=_("Về ai"), empty=_("— Chọn người —"))
    period = forms.ChoiceField(
        label=_("Thời kỳ"), choices=FindingPeriod.choices, error_messages=_INVALID
    )
    summary = forms.CharField(
        label=_("Nội dung vấn đề"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    declaration_refs = forms.MultipleChoiceField(
        label=_("Căn cứ trong bản khai"), required=False,
        widget=forms.CheckboxSelectMultiple, error_messages=_INVALID,
    )  # fmt: skip
    evidence = RowMultipleChoiceField(label=_("Kết quả xác minh làm chứng cứ"))

    def __init__(
        self,
        *args: Any,
        categories: Iterable[Any] = (),
        persons: Iterable[Any] = (),
        items: Iterable[dict[str, Any]] = (),
        results: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("— Chọn loại vấn đề —")),
            *((c.code, c.name) for c in categories),
        ]
        self.fields["person"].offer(persons, person_label)  # type: ignore[attr-defined]
        refs = [(i["ref"], i["text"]) for i in items if i.get("ref")]
        self.fields["declaration_refs"].choices = refs  # type: ignore[attr-defined]
        if not refs:
            del self.fields["declaration_refs"]
        self.fields["evidence"].offer(results, result_label)  # type: ignore[attr-defined]
        if not self.fields["evidence"].choices:  # type: ignore[attr-defined]
            del self.fields["evidence"]


class FindingUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(
        label=_("Tình trạng"), choices=FindingStatus.choices, error_messages=_INVALID
    )
    evidence = RowMultipleChoiceField(label=_("Kết quả xác minh làm chứng cứ"))

    def __init__(self, *args: Any, results: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].offer(results, result_label)  # type: ignore[attr-defined]


class ResultForm(VersionForm):
    ids = "result"
    agency = RowChoiceField(label=_("Cơ quan trả lời"), empty=_("— Chọn cơ quan —"))
    document_number = forms.CharField(label=_("Số văn bản trả lời"), max_length=60)
    document_date = date_field(_("Ngày văn bản"))
    received_on = date_field(_("Ngày nhận"))
    summary = forms.CharField(
        label=_("Nội dung trả lời"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )
    findings = RowMultipleChoiceField(label=_("Làm chứng cứ cho vấn đề"))

    def __init__(
        self, *args: Any, agencies: Iterable[Any] = (), findings: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].offer(agencies, lambda o: o.name)  # type: ignore[attr-defined]
        self.fields["findings"].offer(findings, lambda f: f.summary[:120])  # type: ignore[attr-defined]


# --- the case's deadline, decisions and restriction -------------------------------------------


class DeadlineForm(VersionForm):
    ids = "deadline"
    due_on = date_field(_("Hạn mới của bước"))
    reason = forms.CharField(
        label=_("Lý do đổi hạn"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi lý do đổi hạn.")},
    )  # fmt: skip


def decision_label(decision: Any) -> str:
    """A proposed decision in words: its kind, the post and its organisation, the catalogue
    entry, when and by whom it was proposed, and its document number."""
    text = str(decision.get_kind_display())
    if decision.post is not None:
        text += f": {decision.post.name} — {decision.post.organisation.name}"
    if decision.catalogue_entry is not None:
        text += f"; {decision.catalogue_entry.name}"
    text += gettext(", đề xuất ngày %(d)s (%(org)s)") % {
        "d": f"{decision.proposed_on:%d/%m/%Y}",
        "org": decision.deciding_org.name,
    }
    if decision.reference:
        text += gettext(", văn bản số %(n)s") % {"n": decision.reference}
    return text


class LinkDecisionForm(VersionForm):
    ids = "link"
    decision = RowChoiceField(
        label=_("Đề xuất quyết định nhân sự"), empty=_("— Chọn đề xuất —"),
        error_messages={
            **_INVALID, "required": _("Hãy chọn đề xuất quyết định nhân sự cần gắn."),
        },
    )  # fmt: skip

    def __init__(self, *args: Any, decisions: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].offer(decisions, decision_label)  # type: ignore[attr-defined]


class RestrictionForm(VersionForm):
    ids = "restriction"
    restricted = forms.TypedChoiceField(
        label=_("Người được xem hồ sơ"),
        choices=[
            ("1", _("Hạn chế: chỉ cán bộ được phân công và cấp có thẩm quyền kết luận")),
            ("0", _("Không hạn chế: cán bộ trong phạm vi, được tiếp cận mức mật của hồ sơ")),
        ],
        coerce=lambda v: v == "1", widget=forms.RadioSelect,
        error_messages={**_INVALID, "required": _("Hãy chọn có hạn chế người xem hay không.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi lý do.")},
    )  # fmt: skip


# --- the conclusion ---------------------------------------------------------------------------


class ConclusionForm(VersionForm):
    ids = "id"
    meeting_date = date_field(_("Ngày họp"))
    members_total = forms.IntegerField(
        label=_("Tổng số ủy viên"), required=False, disabled=True,
        help_text=_("Theo số ủy viên ghi trên trang của cấp ủy; hội nghị đủ số và kết luận "
                    "được thông qua tính trên số này."),
    )  # fmt: skip
    members_present = forms.IntegerField(label=_("Số ủy viên dự họp"), min_value=0, max_value=500)
    votes_for = forms.IntegerField(label=_("Số phiếu tán thành"), min_value=0, max_value=500)
    votes_against = forms.IntegerField(
        label=_("Số phiếu không tán thành"), min_value=0, max_value=500
    )
    dissent = forms.CharField(
        label=_("Ý kiến khác"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label=_("Kết luận"), choices=[("", _("— Chọn kết luận —")), *Outcome.choices],
        error_messages=_INVALID,
    )  # fmt: skip
    text = forms.CharField(
        label=_("Nội dung kết luận"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    covers_kinds = forms.MultipleChoiceField(
        label=_("Dùng cho các loại quyết định nhân sự"),
        choices=[(k, v) for k, v in DECISION_KINDS.items()],
        widget=forms.CheckboxSelectMultiple, error_messages=_INVALID,
    )  # fmt: skip
    findings = RowMultipleChoiceField(label=_("Các vấn đề kết luận dựa vào"))
    upholds = forms.TypedChoiceField(
        label=_("Đối với kết luận trước"),
        choices=[("0", _("Thay thế kết luận trước")), ("1", _("Giữ nguyên kết luận trước"))],
        coerce=lambda v: v == "1", required=False, error_messages=_INVALID,
    )  # fmt: skip
    signer_title = forms.ChoiceField(
        label=_("Chức vụ người ký"),
        choices=[("", _("— Chọn chức vụ —")), ("BÍ THƯ", _("Bí thư")),
                 ("PHÓ BÍ THƯ", _("Phó Bí thư"))],
        error_messages=_INVALID,
    )  # fmt: skip
    classification = forms.TypedChoiceField(
        label=_("Độ mật của kết luận"), choices=Classification.choices, coerce=int,
        required=False, empty_value=None, error_messages=_INVALID,
        help_text=_("Kết luận về tiêu chuẩn chính trị là tài liệu mật: không thấp hơn Mật, "
                    "độ mật của hồ sơ và độ mật của chức danh trong danh mục."),
    )  # fmt: skip
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        findings: Iterable[Any] = (),
        follows: bool = False,
        authority: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if authority:
            self.fields["signer_title"].help_text = _("Ký dưới dòng “%(a)s”.") % {"a": authority}
        self.fields["findings"].offer(  # type: ignore[attr-defined]
            findings, lambda f: f"{f.summary[:120]} ({FindingStatus(f.status).label.lower()})"
        )
        if not self.fields["findings"].choices:  # type: ignore[attr-defined]
            del self.fields["findings"]
        if not follows:
            del self.fields["upholds"]

    def clean_recipients(self) -> list[str]:
        lines = (self.cleaned_data.get("recipients") or "").splitlines()
        return [" ".join(line.split()) for line in lines if line.strip()][:30]


class AppraisalReportForm(VersionForm):
    ids = "id"
    issued_on = date_field(_("Ngày ban hành"))
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    signer_name = forms.CharField(
        label=_("Người ký"), required=False, disabled=True,
        help_text=_("Báo cáo ban hành với tên cơ quan và người ký là tài khoản đang đăng nhập."),
    )  # fmt: skip
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"), max_length=200,
        help_text=_("Ví dụ: TRƯỞNG BAN; hoặc hai dòng K/T TRƯỞNG BAN và PHÓ TRƯỞNG BAN."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    classification = forms.TypedChoiceField(
        label=_("Độ mật của báo cáo"), choices=Classification.choices, coerce=int,
        required=False, empty_value=None, error_messages=_INVALID,
        help_text=_("Không thấp hơn độ mật của hồ sơ và của chức danh trong danh mục."),
    )  # fmt: skip
    proposal = forms.CharField(
        label=_("Đề xuất"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def clean_recipients(self) -> list[str]:
        lines = (self.cleaned_data.get("recipients") or "").splitlines()
        return [" ".join(line.split()) for line in lines if line.strip()][:30]


class ReopenForm(forms.Form):
    origin = forms.ChoiceField(
        label=_("Căn cứ mở hồ sơ mới"),
        choices=[(c.value, c.label) for c in (CaseOrigin.COMPLAINT, CaseOrigin.NEW_INFORMATION)],
        widget=forms.RadioSelect, error_messages=_INVALID,
    )  # fmt: skip
    summary = forms.CharField(
        label=_("Nội dung khiếu nại, tố cáo hoặc thông tin mới"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    restricted = forms.BooleanField(
        label=_("Hạn chế người xem (chỉ cán bộ được phân công và cấp có thẩm quyền)"),
        required=False,
    )
    complex = forms.BooleanField(label=_("Hồ sơ phức tạp (thời hạn dài hơn)"), required=False)


# --- reported changes -------------------------------------------------------------------------


class ReportedChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại thay đổi"), choices=[("", _("— Chọn loại —")), *ChangeKind.choices],
        error_messages=_INVALID,
    )  # fmt: skip
    person = RowChoiceField(
        label=_("Về thân nhân (nếu có)"), empty=_("— Bản thân người khai —"), required=False
    )
    occurred_on = date_field(_("Ngày xảy ra"))
    reported_on = date_field(_("Ngày báo cáo"))
    description = forms.CharField(
        label=_("Nội dung báo cáo"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, relatives: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].offer(relatives, person_label)  # type: ignore[attr-defined]
