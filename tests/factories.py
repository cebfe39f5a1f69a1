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
