import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Organization

from .choices import Education, Gender, MemberStatus
from .models import Member


class MemberFilter(django_filters.FilterSet):
    """Filters for member lists, used by the API, the pages and the export."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name, employer or post"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("branch"))
    within = django_filters.NumberFilter(method="filter_within", label=_("Within the subtree of"))
    group = django_filters.NumberFilter(field_name="group_id", label=_("Party group"))
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices, label=_("membership status"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("gender"))
    education = django_filters.ChoiceFilter(choices=Education.choices, label=_("education"))
    is_mobile = django_filters.BooleanFilter(label=_("mobile member"))
    lost_contact = django_filters.BooleanFilter(label=_("lost contact"))
    is_active = django_filters.BooleanFilter(label=_("on the roster"))
    joined_after = django_filters.DateFilter(field_name="joined_on", lookup_expr="gte", label=_("Joined on or after"))
    joined_before = django_filters.DateFilter(field_name="joined_on", lookup_expr="lte", label=_("Joined on or before"))
    no_org_life_months = django_filters.NumberFilter(method="filter_no_org_life",
                                                     label=_("Months without organizational life, at least"))

    class Meta:
        model = Member
        fields = ["q", "organization", "within", "group", "status", "gender", "education", "is_mobile",
                  "lost_contact", "is_active", "joined_after", "joined_before", "no_org_life_months"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(employer__icontains=value) | Q(post__icontains=value))

    def filter_no_org_life(self, queryset, name, value):
        """Counted by month, like the dashboard: the stretch began in or before the month ``value`` months ago."""
        import calendar

        from django.utils import timezone

        from activities.selectors import members_without_org_life_since
        from branches.rules import add_months

        month = add_months(timezone.localdate(), -int(value))
        cutoff = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        tenant_ids = queryset.values("tenant_id").distinct()
        stale = members_without_org_life_since(cutoff, tenant_id=None).filter(tenant_id__in=tenant_ids)
        return queryset.filter(pk__in=stale.values("pk"))

    def filter_within(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        anchor = Organization.objects.visible_to(user).filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=anchor) if anchor else queryset.none()
