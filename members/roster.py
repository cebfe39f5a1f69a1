"""Member roster import and export (.xlsx): one sheet layout, all-or-nothing import, row-by-row error report.

The sheet layout (sheet title, column headers, the Chinese words for choices) is a data format shared
with the branches' existing Excel rosters, so it is fixed Chinese text; messages about the file are
translated like any other UI text. Validation reuses the member services (``prepare_identity``,
``check_placement``, ``check_dates``) and the model's own field checks, so an imported member obeys
exactly the rules of one created through the API. Error messages never repeat a national ID or phone.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from core import pii
from core.scoping import Action

from .choices import Education, Gender, MemberStatus, RevealChannel
from .models import Member
from .services import can_reveal, check_dates, check_placement, log_reveals, prepare_identity

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- The sheet layout (a data format: fixed Chinese, not translated) ---

SHEET_TITLE = "党员名册"
ORGS_SHEET_TITLE = "组织编码"
HELP_SHEET_TITLE = "填写说明"

# (key, header): keys are Member field names, so model and service errors map straight to a column.
COLUMNS: list[tuple[str, str]] = [
    ("name", "姓名"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("birth_date", "出生日期"),
    ("national_id", "身份证号"),
    ("phone", "手机号"),
    ("education", "学历"),
    ("employer", "工作单位"),
    ("post", "职务"),
    ("organization", "所在支部编码"),
    ("group", "党小组编码"),
    ("joined_on", "入党日期"),
    ("full_member_on", "转正日期"),
    ("status", "党员状态"),
    ("is_mobile", "是否流动党员"),
    ("mobile_location", "流动去向"),
    ("lost_contact", "是否失联"),
]
HEADERS: dict[str, str] = dict(COLUMNS)
REQUIRED: tuple[str, ...] = ("name", "gender", "national_id", "organization", "status")
# Other spellings seen in branches' own spreadsheets.
HEADER_ALIASES: dict[str, str] = {
    "身份证号码": "national_id",
    "公民身份号码": "national_id",
    "手机号码": "phone",
    "联系电话": "phone",
    "支部编码": "organization",
    "党支部编码": "organization",
    "党小组": "group",
}

GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
STATUS_LABELS = {MemberStatus.FULL: "正式党员", MemberStatus.PROBATIONARY: "预备党员"}
EDUCATION_LABELS = {
    Education.POSTGRADUATE: "研究生",
    Education.UNDERGRADUATE: "大学本科",
    Education.JUNIOR_COLLEGE: "大学专科",
    Education.SECONDARY: "中专及高中",
    Education.PRIMARY: "初中及以下",
}
YES, NO = "是", "否"
ORG_KIND_LABELS = {OrgKind.BRANCH: "党支部", OrgKind.GROUP: "党小组"}

_GENDER_IN = {v: k for k, v in GENDER_LABELS.items()} | {"男性": Gender.MALE, "女性": Gender.FEMALE}
_STATUS_IN = {v: k for k, v in STATUS_LABELS.items()} | {
    "正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY,
}
_EDUCATION_IN = {v: k for k, v in EDUCATION_LABELS.items()} | {
    "博士研究生": Education.POSTGRADUATE, "硕士研究生": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE, "研究生及以上": Education.POSTGRADUATE,
    "本科": Education.UNDERGRADUATE, "大学": Education.UNDERGRADUATE,
    "专科": Education.JUNIOR_COLLEGE, "大专": Education.JUNIOR_COLLEGE,
    "中专": Education.SECONDARY, "高中": Education.SECONDARY, "中技": Education.SECONDARY,
    "技校": Education.SECONDARY, "职高": Education.SECONDARY,
    "初中": Education.PRIMARY, "小学": Education.PRIMARY, "小学及以下": Education.PRIMARY,
}
_YES_NO_IN = {
    YES: True, NO: False, "Y": True, "N": False, "1": True, "0": False, "TRUE": True, "FALSE": False,
}

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:0{2}(?::0{2})?)?$"
)
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Plain free-text columns, checked by the model's own field validation (lengths, blank).
_TEXT_FIELDS = ("name", "ethnicity", "employer", "post", "mobile_location")
_CLEAN_EXCLUDE = [f.name for f in Member._meta.concrete_fields if f.name not in _TEXT_FIELDS]
# The OLE2 signature: an old .xls workbook, or an .xlsx encrypted with a password.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

BULK_BATCH_SIZE = 1000
# Beyond this many errors the report stops: nobody fixes a file from a list of ten thousand lines.
MAX_REPORTED_ERRORS = 1000

# Whole-file problems carry row 0 and no column.
FILE_ROW = 0


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the row as Excel numbers it (0 for the file as a whole), the column header."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    """What an import did: members created, or the errors that stopped it (then nothing was written)."""

    created: int
    errors: list[RowError] = field(default_factory=list)
    # The error list stopped at MAX_REPORTED_ERRORS; more rows may be wrong.
    truncated: bool = False
    # Every row was valid, and the transaction was rolled back on purpose.
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.truncated:
            return _("Import failed: more than %(count)d errors were found (only the first %(count)d are "
                     "listed); nothing was written.") % {"count": len(self.errors)}
        if self.errors:
            return ngettext(
                "Import failed: %(count)d error was found; nothing was written.",
                "Import failed: %(count)d errors were found; nothing was written.",
                len(self.errors),
            ) % {"count": len(self.errors)}
        if self.dry_run:
            return ngettext(
                "Check passed: %(count)d member can be imported (dry run, nothing was written).",
                "Check passed: %(count)d members can be imported (dry run, nothing was written).",
                self.created,
            ) % {"count": self.created}
        return ngettext("Imported %(count)d member.", "Imported %(count)d members.", self.created) % {
            "count": self.created
        }


class _Rejected(Exception):
    """The file cannot be imported at all; carries the errors to report."""

    def __init__(self, *errors: RowError):
        super().__init__(errors)
        self.errors = list(errors)


def _file_error(message: str) -> _Rejected:
    return _Rejected(RowError(FILE_ROW, "", message))


# --- Import ---


def import_roster(*, actor, file, dry_run: bool = False) -> ImportResult:
    """Import every row of a roster file as new members of the actor's branches, or none of them.

    ``file`` is an uploaded file or any binary file object. With ``dry_run`` the rows are validated and
    inserted, then rolled back, so the database constraints are checked too.
    """
    try:
        with _roster_sheet(file) as sheet:
            importer = _RosterImporter(actor)
            importer.read(sheet)
    except _Rejected as exc:
        return ImportResult(created=0, errors=exc.errors)
    if importer.errors:
        return ImportResult(created=0, errors=importer.sorted_errors(), truncated=importer.truncated)

    members = importer.members
    try:
        with transaction.atomic():
            Member.objects.bulk_create(members, batch_size=BULK_BATCH_SIZE)
            from .services import refresh_roster_stats

            refresh_roster_stats({m.organization for m in members})
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Someone registered one of these national IDs between the check and the insert.
        return ImportResult(created=0, errors=[RowError(
            FILE_ROW, "", _("Another user registered some of these members meanwhile; import the file again.")
        )])
    logger.info("roster import by user %s: %d members%s", actor.pk, len(members),
                " (dry run)" if dry_run else "")
    return ImportResult(created=len(members), dry_run=dry_run)


@contextmanager
def _roster_sheet(file) -> Iterator:
    """The roster worksheet of an uploaded .xlsx, opened for streaming; any unreadable file is one error."""
    size = _file_size(file)
    limit = settings.ROSTER_IMPORT_MAX_BYTES
    if size > limit:
        raise _file_error(_("The file is larger than %(size)s MB; split the roster into several files.")
                          % {"size": f"{limit / 1024 / 1024:g}"})
    if size == 0:
        raise _file_error(_("The file is empty."))
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head == _OLE2_MAGIC:
        raise _file_error(_("This is an old Excel (.xls) file or a password-protected workbook. "
                            "Save it as an Excel workbook (.xlsx) without a password and upload it again."))
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation extensions, styles): not our concern.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is not a usable workbook
        raise _file_error(_("The file is not a valid Excel workbook (.xlsx).")) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _file_error(_("The file has no data rows."))
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else sheets[0]
        # A wrong <dimension> written by some programs would otherwise cut rows off silently.
        sheet.reset_dimensions()
        yield sheet
    finally:
        workbook.close()


def _file_size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, io.SEEK_END)
        file.seek(position)
    return size


def _stream(rows: Iterator) -> Iterator[tuple]:
    """Rows of the sheet; a sheet that breaks while it is read is a file-level error, not a 500."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # corrupt XML inside a valid zip, bad cell values, CRC errors
            raise _file_error(_("The file is damaged and cannot be read; save it again in Excel.")) from exc
        yield row


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_key(value) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value)).rstrip("*＊")
    if text in HEADER_ALIASES:
        return HEADER_ALIASES[text]
    for key, header in COLUMNS:
        if header == text:
            return key
    return None


class _RosterImporter:
    """Reads the rows of one file against the actor's organizations; collects members or errors."""

    def __init__(self, actor):
        self.actor = actor
        self.errors: list[RowError] = []
        self.truncated = False
        self.members: list[Member] = []
        # National ID hash -> the first row that holds it.
        self._first_row_of_id: dict[str, int] = {}
        self._flagged_duplicates: set[int] = set()
        # One query: the organizations this actor may change, by code. Codes are unique per tenant and
        # an import acts within the actor's own tenant (a platform operator has none to import into).
        orgs = (
            Organization.objects.visible_to(actor, Action.CHANGE)
            .filter(tenant_id=actor.tenant_id)
            .only("id", "tenant_id", "parent_id", "code", "kind", "status", "path", "name")
        )
        self.orgs: dict[str, Organization] = {org.code: org for org in orgs}

    # -- reading --

    def read(self, sheet) -> None:
        header = next(_stream(sheet.iter_rows(min_row=1, max_row=1, values_only=True)), ())
        columns = self._columns(header, sheet)
        width = max(columns.values()) + 1
        max_rows = settings.ROSTER_IMPORT_MAX_ROWS
        seen = 0
        rows = _stream(sheet.iter_rows(min_row=2, max_col=width, values_only=True))
        for excel_row, values in enumerate(rows, start=2):
            if all(_is_blank(v) for v in values):
                continue
            seen += 1
            if seen > max_rows:
                raise _file_error(_("The file has more than %(max)d data rows; split it into several files.")
                                  % {"max": max_rows})
            if self.truncated:
                continue  # keep counting rows for the limit, stop validating
            self._read_row(excel_row, {key: values[index] for key, index in columns.items()})
            if len(self.errors) >= MAX_REPORTED_ERRORS:
                self.truncated = True
        if not seen:
            raise _file_error(_("The file has no data rows."))
        if not self.truncated:
            self._check_registered()

    def _columns(self, header: tuple, sheet) -> dict[str, int]:
        """Map column keys to their 0-based position, by header text (any order, spaces ignored)."""
        if all(_is_blank(v) for v in header):
            has_rows = any(
                not all(_is_blank(v) for v in row)
                for row in _stream(sheet.iter_rows(min_row=2, max_col=len(COLUMNS) * 2, values_only=True))
            )
            if not has_rows:
                raise _file_error(_("The file has no data rows."))
        columns: dict[str, int] = {}
        problems: list[RowError] = []
        for index, value in enumerate(header):
            key = _header_key(value)
            if key is None:
                continue  # columns we do not know (序号, 备注 ...) are left alone
            if key in columns:
                problems.append(RowError(1, HEADERS[key], _("This column appears more than once.")))
                continue
            columns[key] = index
        for key in REQUIRED:
            if key not in columns:
                problems.append(RowError(1, HEADERS[key],
                                         _("The required column is missing from the header row.")))
        if problems:
            raise _Rejected(*problems)
        return columns

    def _read_row(self, row: int, raw: dict) -> None:
        errors: list[RowError] = []

        def fail(key: str, message) -> None:
            errors.append(RowError(row, HEADERS.get(key, ""), str(message)))

        def required_text(key: str) -> str:
            value = _text(raw.get(key))
            if not value:
                fail(key, _("This field is required."))
            return value

        def choice(key: str, mapping: dict, *, required: bool, hint: str):
            value = _text(raw.get(key))
            if not value:
                if required:
                    fail(key, _("This field is required."))
                return None
            found = mapping.get(value.upper() if mapping is _YES_NO_IN else value)
            if found is None:
                fail(key, _("Enter one of: %(choices)s.") % {"choices": hint})
            return found

        def day(key: str) -> date | None:
            try:
                return _date(raw.get(key))
            except ValueError:
                fail(key, _("Enter a date such as 2010-07-01."))
                return None

        fields: dict = {
            "name": required_text("name"),
            "ethnicity": _text(raw.get("ethnicity")),
            "employer": _text(raw.get("employer")),
            "post": _text(raw.get("post")),
            "mobile_location": _text(raw.get("mobile_location")),
        }
        fields["gender"] = choice("gender", _GENDER_IN, required=True, hint="男, 女")
        fields["status"] = choice("status", _STATUS_IN, required=True, hint="正式党员, 预备党员")
        fields["education"] = choice("education", _EDUCATION_IN, required=False,
                                     hint=", ".join(EDUCATION_LABELS.values())) or ""
        fields["is_mobile"] = bool(choice("is_mobile", _YES_NO_IN, required=False, hint=f"{YES}, {NO}"))
        fields["lost_contact"] = bool(choice("lost_contact", _YES_NO_IN, required=False, hint=f"{YES}, {NO}"))
        errors_before_dates = len(errors)
        for key in ("birth_date", "joined_on", "full_member_on"):
            fields[key] = day(key)
        dates_ok = len(errors) == errors_before_dates and fields["status"] is not None

        organization, group = self._placement(raw, fail)

        id_hash = None
        national_id = self._identity_text(raw.get("national_id"), fail)
        if national_id is not None:
            try:
                identity = prepare_identity({"national_id": national_id, "birth_date": fields["birth_date"]})
            except ValidationError as exc:
                fail("national_id", exc.messages[0])
            else:
                fields.update(identity)
                id_hash = identity["national_id_hash"]
        try:
            fields["phone"] = prepare_identity({"phone": _text(raw.get("phone"))})["phone"]
        except ValidationError as exc:
            fail("phone", exc.messages[0])

        if dates_ok:
            try:
                check_dates(fields)
            except ValidationError as exc:
                _report(exc, fail, default="full_member_on")

        member = Member(tenant_id=self.actor.tenant_id, organization=organization, group=group, **fields)
        failed = {e.column for e in errors}
        try:
            member.clean_fields(exclude=[*_CLEAN_EXCLUDE, *(k for k in _TEXT_FIELDS if HEADERS[k] in failed)])
        except ValidationError as exc:
            _report(exc, fail, default="name")

        if id_hash is not None:
            self._note_identity(row, id_hash, errors)

        if errors:
            self.errors.extend(errors)
        else:
            self.members.append(member)

    def _placement(self, raw: dict, fail) -> tuple[Organization | None, Organization | None]:
        code = _text(raw.get("organization"))
        if not code:
            fail("organization", _("This field is required."))
            return None, None
        organization = self.orgs.get(code)
        if organization is None:
            # The same answer whether the code is unknown, another tenant's, or outside the actor's scope.
            fail("organization", _("The organization does not exist or you may not import into it."))
            return None, None
        group_code = _text(raw.get("group"))
        group = self.orgs.get(group_code) if group_code else None
        if group_code and group is None:
            # Unknown or out of scope: the same words check_placement uses for a group of another branch.
            fail("group", _("The Party group must belong to the member's branch."))
        try:
            check_placement(tenant_id=organization.tenant_id, organization=organization, group=group)
        except ValidationError as exc:
            _report(exc, fail, default="organization")
            return None, None
        return organization, group

    @staticmethod
    def _identity_text(value, fail) -> str | None:
        """The ID as text; Excel turns an ID typed as a number into a float that has lost its last digits."""
        if isinstance(value, float):
            if value >= 1e15 or not value.is_integer():
                fail("national_id", _("Excel stored the national ID number as a number and dropped digits; "
                                      "format the column as text and type the number again."))
                return None
            value = int(value)
        text = _text(value)
        if not text:
            fail("national_id", _("This field is required."))
            return None
        return text

    def _note_identity(self, row: int, id_hash: str, errors: list[RowError]) -> None:
        """The same ID twice in the file: both rows are wrong (the first one is reported once)."""
        first = self._first_row_of_id.get(id_hash)
        if first is None:
            self._first_row_of_id[id_hash] = row
            return
        column = HEADERS["national_id"]
        errors.append(RowError(row, column, _("The same national ID number is already in row %(row)d of this "
                                              "file.") % {"row": first}))
        if first not in self._flagged_duplicates:
            self._flagged_duplicates.add(first)
            self.errors.append(RowError(first, column, _("The same national ID number appears again in row "
                                                        "%(row)d of this file.") % {"row": row}))

    def _check_registered(self) -> None:
        """IDs already registered in the tenant: one query (chunked only for SQLite's parameter cap)."""
        tenant_id = self.actor.tenant_id
        hashes = list(self._first_row_of_id)
        if tenant_id is None or not hashes:
            return
        chunk = connection.features.max_query_params or len(hashes)
        taken: set[str] = set()
        for start in range(0, len(hashes), chunk):
            taken.update(
                Member.objects.filter(tenant_id=tenant_id, national_id_hash__in=hashes[start:start + chunk])
                .values_list("national_id_hash", flat=True)
            )
        message = _("A member with this national ID number is already registered.")
        for id_hash in taken:
            self.errors.append(RowError(self._first_row_of_id[id_hash], HEADERS["national_id"], message))

    def sorted_errors(self) -> list[RowError]:
        order = {header: i for i, (_key, header) in enumerate(COLUMNS)}
        return sorted(self.errors, key=lambda e: (e.row, order.get(e.column, -1)))


def _report(exc: ValidationError, fail, *, default: str) -> None:
    """A service or model ValidationError, message by message, under the column of its field."""
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            for message in messages:
                fail(key if key in HEADERS else default, message)
    else:
        for message in exc.messages:
            fail(default, message)


def _text(value) -> str:
    """A cell as trimmed text; whole numbers typed as numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _date(value) -> date | None:
    """A real Excel date, or text YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日 or YYYYMMDD."""
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError("not a date")
    text = _text(value)
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if not match:
        raise ValueError("not a date")
    year, month, day = (int(part) for part in match.groups())
    return date(year, month, day)  # ValueError for 2010-02-30


# --- Export and template ---


def export_response(*, actor, members) -> HttpResponse:
    """The members as an .xlsx in the template's layout; ID and phone masked unless the actor may reveal them.

    Clear values are logged as reveals (one log row per exported member) in the same transaction that
    reads them, so an export that fails half way leaves no log of rows nobody received.
    """
    reveal = can_reveal(actor)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    _layout(sheet)
    sheet.append(_header_cells(sheet))
    queryset = members.select_related("organization", "group")
    with transaction.atomic():
        batch: list[Member] = []
        for member in queryset.iterator(chunk_size=2000):
            sheet.append(_export_row(member, reveal))
            if reveal:
                batch.append(member)
                if len(batch) >= 2000:
                    log_reveals(actor=actor, members=batch, channel=RevealChannel.EXPORT)
                    batch = []
        if batch:
            log_reveals(actor=actor, members=batch, channel=RevealChannel.EXPORT)
    return _xlsx_response(workbook, f"党员名册-{timezone.localdate():%Y%m%d}.xlsx",
                          f"member-roster-{timezone.localdate():%Y%m%d}.xlsx")


def _export_row(member: Member, reveal: bool) -> list:
    national_id = member.national_id if reveal else pii.mask_national_id(member.national_id)
    phone = member.phone if reveal else pii.mask_phone(member.phone)
    values = {
        "name": member.name,
        "gender": GENDER_LABELS.get(member.gender, member.gender),
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date,
        "national_id": national_id,
        "phone": phone,
        "education": EDUCATION_LABELS.get(member.education, member.education),
        "employer": member.employer,
        "post": member.post,
        "organization": member.organization.code,
        "group": member.group.code if member.group_id else "",
        "joined_on": member.joined_on,
        "full_member_on": member.full_member_on,
        "status": STATUS_LABELS.get(member.status, member.status),
        "is_mobile": YES if member.is_mobile else NO,
        "mobile_location": member.mobile_location,
        "lost_contact": YES if member.lost_contact else NO,
    }
    # Empty text becomes an empty cell: openpyxl writes no XML for None, and that is most of the cost.
    return [values[key] if values[key] != "" else None for key, _header in COLUMNS]


def template_response(*, actor) -> HttpResponse:
    """An empty roster with the actor's importable branches and groups, and how to fill it in."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _layout(sheet)
    sheet.append(_header_cells(sheet))
    _add_choice_lists(sheet)

    orgs_sheet = workbook.create_sheet(ORGS_SHEET_TITLE)
    orgs_sheet.append(["编码", "名称", "类型", "所属支部编码"])
    for cell in orgs_sheet[1]:
        cell.font = Font(bold=True)
    for width, letter in zip((18, 36, 10, 18), "ABCD", strict=True):
        orgs_sheet.column_dimensions[letter].width = width
    for org in importable_organizations(actor):
        parent_code = org.parent.code if org.kind == OrgKind.GROUP and org.parent_id else ""
        orgs_sheet.append([org.code, org.name, ORG_KIND_LABELS.get(org.kind, org.kind), parent_code])
    orgs_sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet(HELP_SHEET_TITLE)
    help_sheet.column_dimensions["A"].width = 110
    for line in _instructions():
        help_sheet.append([line])
        cell = help_sheet.cell(row=help_sheet.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    help_sheet["A1"].font = Font(bold=True, size=13)
    return _xlsx_response(workbook, "党员名册导入模板.xlsx", "member-roster-template.xlsx")


def importable_organizations(actor):
    """Active branches and groups the actor may import members into, in tree order."""
    return (
        Organization.objects.visible_to(actor, Action.CHANGE)
        .filter(tenant_id=actor.tenant_id, kind__in=[OrgKind.BRANCH, OrgKind.GROUP], status=OrgStatus.ACTIVE)
        .select_related("parent")
        .order_by("path")
    )


_WIDTHS = {"name": 10, "national_id": 22, "phone": 15, "employer": 28, "post": 14, "organization": 16,
           "group": 16, "mobile_location": 20, "is_mobile": 13, "lost_contact": 10}
# Typed as text so that Excel keeps every digit of an ID and the leading zero of a code.
_TEXT_FORMAT_COLUMNS = ("national_id", "phone", "organization", "group")
_DATE_COLUMNS = ("birth_date", "joined_on", "full_member_on")


def _layout(sheet) -> None:
    for index, (key, _header) in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = _WIDTHS.get(key, 12)
        if key in _TEXT_FORMAT_COLUMNS:
            dimension.number_format = "@"
        elif key in _DATE_COLUMNS:
            dimension.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"


def _header_cells(sheet) -> list[WriteOnlyCell]:
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    fill = PatternFill("solid", fgColor="EEEEEE")
    cells = []
    for key, header in COLUMNS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True, color="C00000" if key in REQUIRED else "000000")
        cell.fill = required_fill if key in REQUIRED else fill
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    return cells


def _add_choice_lists(sheet) -> None:
    """Drop-down lists for the columns with fixed words (only in the template: it is small)."""
    last = 1 + settings.ROSTER_IMPORT_MAX_ROWS
    choices = {
        "gender": GENDER_LABELS.values(),
        "education": EDUCATION_LABELS.values(),
        "status": STATUS_LABELS.values(),
        "is_mobile": (YES, NO),
        "lost_contact": (YES, NO),
    }
    for index, (key, _header) in enumerate(COLUMNS, start=1):
        if key in choices:
            validation = DataValidation(type="list", formula1='"{}"'.format(",".join(choices[key])),
                                        allow_blank=key not in REQUIRED)
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)


def _instructions() -> list[str]:
    required = "、".join(HEADERS[k] for k in REQUIRED)
    max_mb = f"{settings.ROSTER_IMPORT_MAX_BYTES / 1024 / 1024:g}"
    return [
        _("How to fill in the member roster"),
        _("1. Fill in one member per row on the sheet “%(sheet)s”. Keep the header row; the order of the "
          "columns may change and columns the system does not know are ignored.") % {"sheet": SHEET_TITLE},
        _("2. Required columns: %(columns)s.") % {"columns": required},
        _("3. %(gender)s: 男 or 女. %(status)s: 正式党员 or 预备党员. %(education)s: %(levels)s. "
          "Yes/no columns: 是 or 否 (blank means 否).") % {
            "gender": HEADERS["gender"], "status": HEADERS["status"], "education": HEADERS["education"],
            "levels": "、".join(EDUCATION_LABELS.values())},
        _("4. Dates: Excel dates or text such as 2010-07-01, 2010/07/01 or 2010.07.01. The date of birth "
          "may be left blank: it is taken from the national ID number."),
        _("5. Type the national ID number (18 characters) and the phone number as text; Excel drops the last "
          "digits of long numbers."),
        _("6. %(branch)s and %(group)s: use the codes on the sheet “%(sheet)s”; you can import only into "
          "those organizations. A Party group must belong to the member's branch.") % {
            "branch": HEADERS["organization"], "group": HEADERS["group"], "sheet": ORGS_SHEET_TITLE},
        _("7. Nothing is written unless every row is valid. The error report lists each problem with its row "
          "and column; correct the file and upload it again."),
        _("8. At most %(rows)d rows and %(size)s MB per file.") % {
            "rows": settings.ROSTER_IMPORT_MAX_ROWS, "size": max_mb},
    ]


def _xlsx_response(workbook, filename: str, ascii_filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    # RFC 6266 / 5987: an ASCII fallback for old clients, the real (Chinese) name for the rest.
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Cache-Control"] = "no-store"  # it may hold personal data
    return response
