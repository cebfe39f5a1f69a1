from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance visit")
    SUPERVISION = "supervision", _("Supervision")
    TOUR = "tour", _("Inspection tour")
    UNANNOUNCED = "unannounced", _("Unannounced visit")
    RANDOM = "random", _("Random check")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class ItemResult(models.TextChoices):
    PENDING = "pending", _("Not checked")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    NOT_APPLICABLE = "na", _("Not applicable")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class TicketStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Submitted for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class TicketAction(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    START = "start", _("Start rectifying")
    SUBMIT = "submit", _("Submit for acceptance")
    ACCEPT = "accept", _("Accept")
    RETURN = "return", _("Return")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")


class MeasureStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


DEFAULT_CATEGORIES = [
    ("three_meetings", "三会一课不规范"),
    ("records", "记录不规范"),
    ("dues", "党费收缴"),
    ("election_overdue", "换届超期"),
    ("recruitment", "发展党员程序"),
    ("facilities", "阵地建设"),
    ("other", "其他"),
]

# Tenant data (editable per tenant once created), in the users' language.
DEFAULT_CHECKLIST = [
    ("上一季度“三会一课”记录齐全", "three_meetings"),
    ("会议记录有主持人、记录人签字", "records"),
    ("签到表随会议记录存档", "records"),
    ("党费按月收缴，台账及时更新", "dues"),
    ("支部委员会按期换届", "election_overdue"),
    ("每月在固定日期开展主题党日", "three_meetings"),
]
