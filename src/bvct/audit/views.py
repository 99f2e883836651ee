"""Auditors' pages: search the trail of their scope, read one event. Both are audited reads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from bvct.audit.forms import EventSearchForm
from bvct.audit.labels import field_label, object_names, value_label
from bvct.audit.models import AuditEvent
from bvct.audit.permissions import can_view_audit
from bvct.audit.selectors import EventFilter, event_search
from bvct.audit.services import audit_read_record, audit_search_record
from bvct.core.gate import get_for_user

PAGE_SIZE = 50


@method_decorator(login_required, name="dispatch")
class AuditEventListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_view_audit(request.user):
            raise Http404
        form = EventSearchForm(request.GET or None)
        events: list[AuditEvent] = []
        if not form.is_bound or form.is_valid():
            filters = form.to_filter() if form.is_bound else EventFilter()
            events = list(event_search(user=request.user, filters=filters, limit=PAGE_SIZE + 1))
            audit_search_record(actor=request.user, filters=filters.as_audit_dict())  # type: ignore[arg-type]
        has_more = len(events) > PAGE_SIZE
        events = events[:PAGE_SIZE]
        # Batches (imports, exports, listings) by what they were, not by their id: one query.
        names = object_names(request.user, events)
        for e in events:
            e.named = names.get((e.object_type, e.object_public_id), "")  # type: ignore[attr-defined]
        context = {
            "form": form,
            "events": events,
            "next_before": events[-1].seq if has_more and events else None,
            "query": request.GET.copy(),
        }
        template = "audit/_results.html" if request.htmx else "audit/event_list.html"  # type: ignore[attr-defined]
        return render(request, template, context)


@method_decorator(login_required, name="dispatch")
class AuditEventDetailView(View):
    def get(self, request: HttpRequest, public_id: str) -> HttpResponse:
        event = get_for_user(AuditEvent.objects.all(), request.user, public_id=public_id)
        audit_read_record(actor=request.user, event=event)  # type: ignore[arg-type]
        names = object_names(request.user, [event])
        event.named = names.get((event.object_type, event.object_public_id), "")  # type: ignore[attr-defined]
        keys = sorted(set((event.before or {}).keys()) | set((event.after or {}).keys()))
        before, after = event.before or {}, event.after or {}
        changes = [
            {
                "field": field_label(key, event.action),
                "before": value_label(key, before.get(key), event.action),
                "after": value_label(key, after.get(key), event.action),
                "changed": before.get(key) != after.get(key),
            }
            for key in keys
        ]
        return render(request, "audit/event_detail.html", {"event": event, "changes": changes})
