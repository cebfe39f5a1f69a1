import django_filters
from django.utils.translation import gettext_lazy as _

from branches.models import Organization

from .choices import MEETING_KINDS, ActivityKind, Grade, PlanStatus
from .models import Appraisal, Meeting, Plan, Talk


class WithinFilterMixin:
    """``?within=<organization id>``: rows of that organization's subtree (an invisible anchor gives none)."""

    within_path = "organization__path"

    def filter_within(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        anchor = Organization.objects.visible_to(user).filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(**{f"{self.within_path}__startswith": anchor}) if anchor else queryset.none()


class MeetingFilter(WithinFilterMixin, django_filters.FilterSet):
    """Filters for meeting lists, used by the API and the pages."""

    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization"))
    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    kind = django_filters.ChoiceFilter(choices=[(k.value, k.label) for k in ActivityKind if k in MEETING_KINDS],
                                       method="filter_kind", label=_("activity"))
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("To"))
    finalized = django_filters.BooleanFilter(field_name="finalized_at", lookup_expr="isnull", exclude=True,
                                             label=_("finalized"))
    q = django_filters.CharFilter(field_name="topic", lookup_expr="icontains", label=_("topic"))

    class Meta:
        model = Meeting
        fields = ["organization", "within", "kind", "date_from", "date_to", "finalized", "q"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kinds__contains=f",{value},")


class PlanFilter(WithinFilterMixin, django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization"))
    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    year = django_filters.NumberFilter(label=_("year"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("status"))

    class Meta:
        model = Plan
        fields = ["organization", "within", "year", "status"]


class AppraisalFilter(WithinFilterMixin, django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("branch"))
    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    year = django_filters.NumberFilter(label=_("year"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("grade"))
    member = django_filters.NumberFilter(field_name="member_id", label=_("member"))

    class Meta:
        model = Appraisal
        fields = ["organization", "within", "year", "grade", "member"]


class TalkFilter(WithinFilterMixin, django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("branch"))
    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    year = django_filters.NumberFilter(field_name="talked_on", lookup_expr="year", label=_("year"))

    class Meta:
        model = Talk
        fields = ["organization", "within", "year"]
