from core.views import ScopedDetailView, ScopedListView

from .filters import MemberFilter
from .models import Member


class MemberListView(ScopedListView):
    model = Member
    queryset = Member.objects.select_related("organization", "group")
    filterset_class = MemberFilter
    template_name = "members/list.html"
    context_object_name = "members"


class MemberDetailView(ScopedDetailView):
    model = Member
    queryset = Member.objects.select_related("organization", "group")
    template_name = "members/detail.html"
    context_object_name = "member"
