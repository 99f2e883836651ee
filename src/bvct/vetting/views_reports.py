"""Reports on casework. The timeliness report: per stage and per competent body, how many
stage spans ended, the average duration of the fastest 90 % of them (as clearance agencies
report) and how many ran past their deadline, from the cases' events; then the open cases
now late. Over the cases the reader sees (officers, committee members, auditors)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bvct.vetting.selectors import stage_durations
from bvct.vetting.selectors_queue import CaseFilter, can_read_cases, case_list, mark_deadlines

LATE_ROWS = 50


class TimelinessForm(forms.Form):
    since = forms.DateField(
        label="Hồ sơ mở từ ngày",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="ngày/tháng/năm; để trống: mọi hồ sơ",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )


@login_required
def timeliness_view(request: HttpRequest) -> HttpResponse:
    if not can_read_cases(request.user):
        raise Http404
    form = TimelinessForm(request.GET or None)
    since: dt.date | None = None
    if form.is_bound and form.is_valid():
        since = form.cleaned_data["since"]
    stats = stage_durations(user=request.user, since=since)
    late_rows = case_list(user=request.user, filters=CaseFilter(late=True))
    late = mark_deadlines(late_rows[:LATE_ROWS])
    late_total = len(late) if len(late) < LATE_ROWS else late_rows.count()
    return render(
        request,
        "vetting/reports/timeliness.html",
        {"form": form, "stats": stats, "late": late, "late_total": late_total, "since": since},
    )
