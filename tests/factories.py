"""Factories for the whole hierarchy: tenant -> committee -> branch -> group -> member -> user."""

from datetime import date
from itertools import count

import factory
from django.contrib.auth.models import Permission

from accounts.models import RoleGrant, User
from branches import services as org_services
from branches.choices import OrgCategory, OrgKind
from branches.models import Organization, Tenant
from members import services as member_services
from members.idgen import make_national_id
from members.models import Member

_seq = count(1)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"测试区委{n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    """Built through the service so the materialized path is right."""

    class Meta:
        model = Organization

    tenant = factory.LazyAttribute(lambda o: o.parent.tenant if o.parent else TenantFactory())
    parent = None
    kind = OrgKind.COMMITTEE
    name = factory.Sequence(lambda n: f"第{n}党组织")
    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    category = OrgCategory.ORGAN
    established_on = date(2000, 7, 1)

    @classmethod
    def _create(cls, model_class, *args, tenant, parent, kind, name, code, **kwargs):
        return org_services.organization_create(actor=None, tenant=tenant, parent=parent, kind=kind, name=name,
                                                code=code, **kwargs)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    organization = factory.SubFactory(OrganizationFactory, kind=OrgKind.BRANCH)
    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "male"
    birth_date = date(1985, 6, 15)
    national_id = factory.LazyAttribute(lambda o: make_national_id(birth_date=o.birth_date, sequence=next(_seq)))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    joined_on = date(2010, 7, 1)
    full_member_on = date(2011, 7, 1)
    status = "full"

    @classmethod
    def _create(cls, model_class, *args, organization, **kwargs):
        return member_services.member_create(actor=None, organization=organization, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    tenant = factory.SubFactory(TenantFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-test-123")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def grant(user: User, organization: Organization, role: str) -> RoleGrant:
    g = RoleGrant.objects.create(tenant=organization.tenant, user=user, organization=organization, role=role)
    user.__dict__.pop("_scope_grants", None)
    return g


def allow_reveal(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="reveal_member_pii"))
    # Django caches permissions on the instance; reload it.
    return User.objects.get(pk=user.pk)


def record_meeting(organization: Organization, *, kinds=("theme_day",), starts_at=None, topic="学习党章",
                   finalize=False, attendance=None, actor=None):
    """A meeting through the service (expected attendees present unless ``attendance`` is given)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from activities import services as activity_services

    starts_at = starts_at or datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    meeting = activity_services.meeting_record(actor=actor, organization=organization, kinds=list(kinds),
                                               starts_at=starts_at, topic=topic, attendance=attendance)
    if finalize:
        meeting = activity_services.meeting_finalize(actor=actor, meeting=meeting)
    return meeting


def populate_activities(world):
    """One of each organizational-life record in the world's branch (for isolation checks)."""
    from activities import services as activity_services

    meeting = record_meeting(world.branch, kinds=("theme_day", "general_meeting"), topic=f"{world.branch.name}主题党日")
    plan = activity_services.plan_save(actor=None, organization=world.branch, year=2026,
                                       summary=f"{world.branch.name}年度计划",
                                       items=[activity_services.PlanItemEntry(3, ["theme_day"], "学习党章")])
    appraisal = activity_services.appraisal_save(actor=None, member=world.members[1], year=2025,
                                                 self_assessment="自评", grade="qualified",
                                                 decided_on=date(2025, 12, 20))
    talk = activity_services.talk_record(actor=None, organization=world.branch, initiator=world.members[1],
                                         partner=world.members[2], talked_on=date(2026, 2, 1), topic="谈心")
    return {"meeting": meeting, "plan": plan, "appraisal": appraisal, "talk": talk}


def populate_inspections(world):
    """An inspection of the world's branch with a failed item, and the ticket filed from it."""
    from inspections import services as inspection_services
    from inspections.models import ChecklistTemplate

    inspection_services.ensure_tenant_defaults(tenant_id=world.tenant.pk)
    inspection = inspection_services.inspection_create(
        actor=None, organization=world.general_branch, kind="supervision", title=f"{world.branch.name}专项督查",
        starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31), review_from=date(2025, 10, 1),
        review_to=date(2025, 12, 31), targets=[world.branch],
        template=ChecklistTemplate.objects.filter(tenant=world.tenant).first())
    visit = inspection.visits.get()
    item = visit.items.first()
    inspection_services.check_item_record(actor=None, item=item, result="failed", note="缺少签到表")
    ticket = inspection_services.ticket_from_item(actor=None, item=item, deadline=date(2099, 6, 30),
                                                  responsible_person=f"{world.branch.name}书记")
    return {"inspection": inspection, "visit": visit, "ticket": ticket}


def file_ticket(organization: Organization, *, actor=None, deadline=None, **extra):
    """A rectification ticket through the service, in the default category 其他."""
    from inspections import services as inspection_services
    from inspections.models import TicketCategory

    inspection_services.ensure_tenant_defaults(tenant_id=organization.tenant_id)
    category = TicketCategory.objects.get(tenant_id=organization.tenant_id, code=extra.pop("category", "records"))
    return inspection_services.ticket_file(
        actor=actor, organization=organization, problem=extra.pop("problem", f"{organization.name}会议记录不规范"),
        category=category, deadline=deadline or date(2099, 12, 31),
        responsible_person=extra.pop("responsible_person", "张书记"), **extra)


def remind(world, *, title="区委提醒", kind="term_unknown"):
    """A reminder row in the world's branch for its secretary (what a scan would write)."""
    from notifications.models import Reminder

    return Reminder.objects.create(tenant=world.tenant, kind=kind, subject_type="organization",
                                   subject_id=world.branch.pk, period="2026-11", recipient=world.user("secretary"),
                                   organization=world.branch, title=f"{world.branch.name}{title}")
