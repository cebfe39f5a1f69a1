import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.filters import WithinFilterMixin

from .choices import InspectionKind, InspectionStatus, Severity, TicketStatus
from .models import Inspection, RectificationTicket
from .selectors import overdue_q


class TicketFilter(WithinFilterMixin, django_filters.FilterSet):
    """Ledger filters, shared by the API, the ledger page and the Excel export."""

    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("responsible organization"))
    status = django_filters.MultipleChoiceFilter(choices=TicketStatus.choices, label=_("status"))
    category = django_filters.NumberFilter(field_name="category_id", label=_("category"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("severity"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    registered_supervision = django_filters.BooleanFilter(label=_("registered supervision"))
    filed_from = django_filters.DateFilter(field_name="filed_at", lookup_expr="date__gte", label=_("Filed from"))
    filed_to = django_filters.DateFilter(field_name="filed_at", lookup_expr="date__lte", label=_("Filed until"))
    q = django_filters.CharFilter(field_name="problem", lookup_expr="icontains", label=_("problem"))

    class Meta:
        model = RectificationTicket
        fields = ["within", "organization", "status", "category", "severity", "overdue", "registered_supervision",
                  "filed_from", "filed_to", "q"]

    def filter_overdue(self, queryset, name, value):
        q = overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)


class InspectionFilter(WithinFilterMixin, django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("status"))
    year = django_filters.NumberFilter(field_name="starts_on", lookup_expr="year", label=_("year"))

    class Meta:
        model = Inspection
        fields = ["within", "kind", "status", "year"]
