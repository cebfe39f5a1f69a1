from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("General meeting of members")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme Party day")
    ORG_LIFE_MEETING = "org_life_meeting", _("Organizational life meeting")
    DEMOCRATIC_REVIEW = "democratic_review", _("Democratic review of members")
    HEART_TALK = "heart_talk", _("Heart-to-heart talks")
    CENTRAL_GROUP_STUDY = "central_group_study", _("Central-group study")


# Kinds a meeting record can carry (talks are recorded as talks, not meetings).
MEETING_KINDS = [k for k in ActivityKind if k != ActivityKind.HEART_TALK]


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Expected(models.TextChoices):
    ALL_MEMBERS = "all_members", _("All members")
    COMMITTEE = "committee", _("Committee members")
    GROUP_MEMBERS = "group_members", _("Members of the group")
    PAIRS = "pairs", _("Pairs of members")


class RequirementStatus(models.TextChoices):
    DONE = "done", _("Done")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    UPCOMING = "upcoming", _("Upcoming")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class ReviewDecision(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    FILED = "filed", _("Filed")
    RETURNED = "returned", _("Returned")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class PairKind(models.TextChoices):
    COMMITTEE_COMMITTEE = "committee_committee", _("Committee member with committee member")
    COMMITTEE_MEMBER = "committee_member", _("Committee member with member")
    MEMBER_MEMBER = "member_member", _("Member with member")
