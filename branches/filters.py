import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import OrgCategory, OrgKind, OrgStatus
from .models import Organization


class OrganizationFilter(django_filters.FilterSet):
    """Filters for organization lists, used by the API and the pages."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name or code"))
    kind = django_filters.MultipleChoiceFilter(choices=OrgKind.choices, label=_("kind"))
    category = django_filters.MultipleChoiceFilter(choices=OrgCategory.choices, label=_("category"))
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label=_("status"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("parent organization"))
    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    term_end_before = django_filters.DateFilter(field_name="term_end", lookup_expr="lte", label=_("Term ends by"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "category", "status", "parent", "within", "term_end_before"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value))

    def filter_within(self, queryset, name, value):
        # The anchor is looked up in the already scoped queryset: an invisible anchor yields nothing.
        anchor = queryset.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=anchor) if anchor else queryset.none()
