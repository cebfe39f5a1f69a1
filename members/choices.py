from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    UNDERGRADUATE = "undergraduate", _("Undergraduate")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    SECONDARY = "secondary", _("Secondary school")
    PRIMARY = "primary", _("Primary school and below")


class RevealChannel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    EXPORT = "export", _("Export")
