"""The dashboard as JSON: the shapes are declared here (for the OpenAPI schema); the figures come from
``dashboards.selectors.dashboard_report`` and are turned into plain dicts by ``report_data``."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.choices import ActivityKind, Period
from branches.choices import OrgKind
from inspections.choices import TicketStatus

from ..selectors import DASHBOARD_KINDS, WEAK_THRESHOLD, WEAK_WEIGHTS, Figures, Report

# Kinds as plain strings with their values listed: enums named "kind" already exist in the schema.
ORG_KINDS_HELP = "one of " + ", ".join(OrgKind.values)
ACTIVITY_KINDS_HELP = "one of " + ", ".join(ActivityKind.values)


class DashboardQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.choices, default=Period.YEAR)
    date = serializers.DateField(required=False, help_text=_("A day inside the period; today by default."))

    def validate_date(self, value: date) -> date:
        if not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("Choose a date between 2000 and 2100."))
        return value


class DashboardRateSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    slots = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text=_("done / slots; null when nothing was required"))


class DashboardKindComplianceSerializer(DashboardRateSerializer):
    kind = serializers.CharField(help_text=ACTIVITY_KINDS_HELP)
    label = serializers.CharField()
    overdue = serializers.IntegerField()


class DashboardAttendanceSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    present = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class DashboardTermsSerializer(serializers.Serializer):
    overdue = serializers.IntegerField()
    expiring = serializers.IntegerField(help_text=_("ending within six months"))
    unknown = serializers.IntegerField()


class DashboardTicketsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    supervised = serializers.IntegerField(help_text=_("open and under registered supervision (挂号督办)"))
    by_status = serializers.DictField(child=serializers.IntegerField())


class DashboardWeakSerializer(serializers.Serializer):
    score = serializers.FloatField()
    parts = serializers.DictField(child=serializers.FloatField(), help_text=_("each part already weighted"))
    candidate = serializers.BooleanField()


class DashboardFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text=ORG_KINDS_HELP)
    compliance = DashboardRateSerializer()
    compliance_by_kind = DashboardKindComplianceSerializer(many=True)
    requirements = serializers.DictField(child=serializers.IntegerField(),
                                         help_text=_("requirement slots by status: done, due, overdue"))
    overdue = serializers.IntegerField()
    overdue_by_kind = serializers.DictField(child=serializers.IntegerField())
    meetings = serializers.IntegerField()
    attendance = DashboardAttendanceSerializer()
    members = serializers.IntegerField()
    near_3 = serializers.IntegerField(help_text=_("members without organizational life for 3 months or more"))
    near_5 = serializers.IntegerField(help_text=_("members without organizational life for 5 months or more"))
    branches = serializers.IntegerField()
    terms = DashboardTermsSerializer()
    tickets = DashboardTicketsSerializer()
    weak = DashboardWeakSerializer()


class DashboardTrendSerializer(serializers.Serializer):
    month = serializers.CharField()
    meetings = serializers.IntegerField()
    slots = serializers.IntegerField()
    done = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class DashboardOverdueChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text=ORG_KINDS_HELP)
    overdue = serializers.IntegerField()
    compliance = serializers.FloatField(allow_null=True)


class DashboardPeriodSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.choices)
    start = serializers.DateField()
    end = serializers.DateField()
    today = serializers.DateField()


class DashboardOrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text=ORG_KINDS_HELP)


class DashboardSerializer(serializers.Serializer):
    organization = DashboardOrganizationRefSerializer()
    period = DashboardPeriodSerializer()
    totals = DashboardFiguresSerializer()
    children = DashboardFiguresSerializer(many=True, help_text=_("the visible children, worst first by weak score"))
    trend = DashboardTrendSerializer(many=True)
    overdue_children = DashboardOverdueChildSerializer(many=True)
    heatmap = serializers.DictField(child=serializers.IntegerField(), allow_null=True,
                                    help_text=_("finalized meetings per day (branches and groups)"))
    weak_weights = serializers.DictField(child=serializers.IntegerField())
    weak_threshold = serializers.IntegerField()


def figures_data(f: Figures) -> dict:
    return {
        "id": f.id, "name": f.name, "kind": f.kind,
        "compliance": {"done": f.done_total, "slots": f.slots_total, "rate": f.compliance},
        "compliance_by_kind": [{"kind": k.value, "label": str(k.label), "done": f.done.get(k, 0),
                                "slots": f.slots.get(k, 0), "rate": f.compliance_of(k), "overdue": f.overdue.get(k, 0)}
                               for k in DASHBOARD_KINDS],
        "requirements": {"done": f.done_total, "due": f.due_total, "overdue": f.overdue_total},
        "overdue": f.overdue_total,
        "overdue_by_kind": {k: v for k, v in f.overdue.items() if v},
        "meetings": f.meetings,
        "attendance": {"expected": f.att_expected, "present": f.att_present, "rate": f.attendance},
        "members": f.members, "near_3": f.near_3, "near_5": f.near_5, "branches": f.branches,
        "terms": {"overdue": f.term_overdue, "expiring": f.term_expiring, "unknown": f.term_unknown},
        "tickets": {"open": f.tickets_open, "overdue": f.tickets_overdue, "supervised": f.tickets_supervised,
                    "by_status": {s.value: f.tickets_by_status.get(s.value, 0) for s in TicketStatus}},
        "weak": {"score": f.weak_score, "parts": f.weak_parts, "candidate": f.is_weak_candidate},
    }


def report_data(report: Report) -> dict:
    org = report.organization
    return {
        "organization": {"id": org.pk, "name": org.name, "kind": org.kind},
        "period": {"period": report.period, "start": report.start, "end": report.end, "today": report.today},
        "totals": figures_data(report.totals),
        "children": [figures_data(c) for c in report.children],
        "trend": report.trend,
        "overdue_children": [{"id": c.id, "name": c.name, "kind": c.kind, "overdue": c.overdue_total,
                              "compliance": c.compliance} for c in report.overdue_children],
        "heatmap": ({d.isoformat(): n for d, n in sorted(report.heatmap.items())}
                    if report.heatmap is not None else None),
        "weak_weights": WEAK_WEIGHTS,
        "weak_threshold": WEAK_THRESHOLD,
    }
