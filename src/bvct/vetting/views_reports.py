"""Reports on casework. The timeliness report: per stage and per competent body, over the
cases opened in the chosen period, how many stage spans ended, the average duration in working
days of the fastest 90 % of them (as clearance agencies report) and how many ran past their
deadline, from the cases' events; then the open cases now late. Over the cases the reader sees
(officers, committee members, auditors). A period that is not valid shows its errors and no
table."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bvct.core.counting import COUNT_CAP, Count, capped_count
from bvct.vetting.forms_reports import TimelinessForm
from bvct.vetting.selectors import stage_durations
from bvct.vetting.selectors_queue import CaseFilter, can_read_cases, case_list, mark_deadlines

LATE_ROWS = 50
#: The late cases are counted up to this many ("hơn 1.000" past it), never all of them.
LATE_COUNT_CAP = COUNT_CAP


@login_required
def timeliness_view(request: HttpRequest) -> HttpResponse:
    if not can_read_cases(request.user):
        raise Http404
    form = TimelinessForm(request.GET or None)
    since: dt.date | None = None
    until: dt.date | None = None
    stats = None
    if not form.is_bound or form.is_valid():
        if form.is_bound:
            since, until = form.cleaned_data["since"], form.cleaned_data["until"]
        stats = stage_durations(user=request.user, since=since, until=until)
    late_rows = case_list(user=request.user, filters=CaseFilter(late=True))
    late = mark_deadlines(late_rows[:LATE_ROWS])
    late_total = (
        Count(len(late)) if len(late) < LATE_ROWS else capped_count(late_rows, LATE_COUNT_CAP)
    )
    return render(
        request,
        "vetting/reports/timeliness.html",
        {
            "form": form,
            "stats": stats,
            "late": late,
            "late_total": late_total,
            "since": since,
            "until": until,
        },
    )
