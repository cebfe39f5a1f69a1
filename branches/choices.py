from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


class OrgCategory(models.TextChoices):
    ORGAN = "organ", _("Government organ")
    INSTITUTION = "institution", _("Public institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    RURAL = "rural", _("Rural")
    COMMUNITY = "community", _("Community")
    SCHOOL = "school", _("School")
    SOCIAL = "social", _("Social organization")
    OTHER = "other", _("Other")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class CommitteePost(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANIZATION = "organization", _("Organization committee member")
    PROPAGANDA = "propaganda", _("Propaganda committee member")
    DISCIPLINE = "discipline", _("Discipline inspection committee member")
    MEMBER = "member", _("Committee member")
