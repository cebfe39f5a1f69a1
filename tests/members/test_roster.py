"""Roster import and export (.xlsx): the service, the files it accepts and rejects, and the operator command."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta
from itertools import count
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from branches.choices import OrgStatus
from branches.models import Organization
from core import pii
from core.crypto import keyed_hash
from core.scoping import Role
from members import roster
from members.choices import RevealChannel
from members.idgen import make_national_id
from members.models import Member, PIIRevealLog
from members.validators import birth_date_from_national_id

HEADERS = [header for _key, header in roster.COLUMNS]
_seq = count(1)


# --- Builders (also used by test_roster_api.py) ---


def fresh_id(birth: date = date(1980, 5, 1)) -> str:
    """A valid ID that no fixture member holds (the factories use region 110101)."""
    return make_national_id(birth_date=birth, sequence=next(_seq), region="310101")


def person(branch_code: str, **overrides) -> dict:
    """One valid row keyed by column header; ``overrides`` use the headers too."""
    values = {
        "姓名": "张三",
        "性别": "男",
        "民族": "汉族",
        "出生日期": None,
        "身份证号": fresh_id(),
        "手机号": "13800138000",
        "学历": "大学本科",
        "工作单位": "区财政局",
        "职务": "科员",
        "所在支部编码": branch_code,
        "党小组编码": None,
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "党员状态": "正式党员",
        "是否流动党员": "否",
        "流动去向": None,
        "是否失联": None,
    }
    values.update(overrides)
    return values


def workbook_bytes(rows: list[dict], headers: list[str] | None = None, *, trailing_blank_rows: int = 0) -> bytes:
    headers = HEADERS if headers is None else headers
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = roster.SHEET_TITLE
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h.strip()) for h in headers])
    for _ in range(trailing_blank_rows):
        ws.append(["", None, "  "])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx(rows: list[dict], headers: list[str] | None = None, **kwargs) -> io.BytesIO:
    return io.BytesIO(workbook_bytes(rows, headers, **kwargs))


def open_xlsx(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def cells(result) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in result.errors}


# --- Valid files ---


def test_valid_rows_are_created_encrypted_with_birth_date_from_id(world_a):
    admin = world_a.user(Role.TENANT_ADMIN)
    ids = [fresh_id(date(1980, 5, 1)), fresh_id(date(1975, 12, 31)), fresh_id(date(1990, 1, 2))]
    rows = [
        person(world_a.branch.code, 姓名="李四", 身份证号=ids[0], 党小组编码=world_a.group.code, 学历="研究生"),
        person(world_a.branch.code, 姓名="王芳", 性别="女", 身份证号=ids[1].lower()[:-1] + ids[1][-1].lower(),
               入党日期=datetime(2001, 7, 1), 转正日期="2002/07/01", 学历="大学专科", 是否失联="是"),
        person(world_a.other_branch.code, 姓名="赵六", 身份证号=ids[2], 党员状态="预备党员", 转正日期=None,
               入党日期="2023.06.30", 是否流动党员="是", 流动去向="深圳", 手机号=13912345678, 学历=None),
    ]
    before = Member.objects.count()

    result = roster.import_roster(actor=admin, file=xlsx(rows))

    assert result.errors == []
    assert result.created == 3
    assert "3" in result.summary
    assert Member.objects.count() == before + 3
    li = Member.objects.get(name="李四")
    assert li.national_id == ids[0]
    assert li.birth_date == birth_date_from_national_id(ids[0]) == date(1980, 5, 1)
    assert (li.organization, li.group, li.education) == (world_a.branch, world_a.group, "postgraduate")
    assert li.national_id_hash and li.tenant_id == world_a.tenant.pk
    wang = Member.objects.get(name="王芳")
    assert (wang.gender, wang.joined_on, wang.full_member_on) == ("female", date(2001, 7, 1), date(2002, 7, 1))
    assert wang.lost_contact is True and wang.education == "junior_college"
    assert wang.national_id == ids[1].upper()
    zhao = Member.objects.get(name="赵六")
    assert (zhao.status, zhao.full_member_on, zhao.joined_on) == ("probationary", None, date(2023, 6, 30))
    assert (zhao.is_mobile, zhao.mobile_location, zhao.phone, zhao.education) == (True, "深圳", "13912345678", "")

    # Encrypted at rest: the raw columns hold neither the ID nor the phone.
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, phone FROM members_member WHERE id = %s", [li.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert ids[0] not in raw_id and "110101" not in raw_id[:6]
    assert "13800138000" not in raw_phone


def test_headers_in_any_order_with_spaces_and_unknown_columns_and_trailing_blank_rows(world_a):
    secretary = world_a.user(Role.SECRETARY)
    headers = ["序号", " 身份证号 ", "姓名", "党员状态", "所在支部编码 ", "性别", "备注"]
    rows = [person(world_a.branch.code, 序号=1, 备注="x"), person(world_a.branch.code, 序号=2)]

    result = roster.import_roster(actor=secretary, file=xlsx(rows, headers, trailing_blank_rows=50))

    assert result.errors == []
    assert result.created == 2


def test_numbers_typed_by_excel(world_a):
    """A phone stored as a number is fine; an ID stored as a number has lost its last digits and is rejected."""
    admin = world_a.user(Role.TENANT_ADMIN)
    national_id = fresh_id()
    ok = person(world_a.branch.code, 身份证号=national_id, 手机号=13700001111, 出生日期=datetime(1980, 5, 1),
                所在支部编码=world_a.branch.code)
    assert roster.import_roster(actor=admin, file=xlsx([ok])).created == 1
    member = Member.objects.get(national_id_hash=keyed_hash(national_id))
    assert (member.national_id, member.phone, member.birth_date) == (national_id, "13700001111", date(1980, 5, 1))

    # Excel (and openpyxl) keep 15 significant digits of a number: the ID comes back as a float.
    numeric = person(world_a.branch.code, 身份证号=int(fresh_id()[:17] + "1"))
    result = roster.import_roster(actor=admin, file=xlsx([numeric]))
    assert cells(result) == {(2, "身份证号")}
    assert str(numeric["身份证号"])[:6] not in result.errors[0].message


def test_the_same_id_in_another_tenant_is_not_a_duplicate(world_a, world_b):
    other_tenants_id = world_b.members[0].national_id
    result = roster.import_roster(actor=world_a.user(Role.TENANT_ADMIN),
                                  file=xlsx([person(world_a.branch.code, 身份证号=other_tenants_id)]))
    assert result.errors == [] and result.created == 1


def test_uploaded_file_object_is_accepted(world_a):
    upload = SimpleUploadedFile("名册.xlsx", workbook_bytes([person(world_a.branch.code)]))
    assert roster.import_roster(actor=world_a.user(Role.SECRETARY), file=upload).created == 1


def test_dry_run_validates_and_writes_nothing(world_a):
    before = Member.objects.count()
    result = roster.import_roster(actor=world_a.user(Role.SECRETARY), file=xlsx([person(world_a.branch.code)]),
                                  dry_run=True)
    assert (result.errors, result.created, result.dry_run) == ([], 1, True)
    assert Member.objects.count() == before


# --- Bad rows: each is reported at its row and column, and nothing at all is written ---

BAD_ROWS = {
    "missing name": ({"姓名": "  "}, "姓名"),
    "name too long": ({"姓名": "名" * 51}, "姓名"),
    "bad gender": ({"性别": "M"}, "性别"),
    "missing gender": ({"性别": None}, "性别"),
    "bad ID checksum": ("checksum", "身份证号"),
    "ID of 17 characters": ("short", "身份证号"),
    "missing ID": ({"身份证号": None}, "身份证号"),
    "bad date": ({"入党日期": "2005-13-01"}, "入党日期"),
    "not a date": ({"出生日期": "去年"}, "出生日期"),
    "full member before joining": ({"入党日期": "2006-07-01", "转正日期": "2005-07-01"}, "转正日期"),
    "probationary with a full-member date": ({"党员状态": "预备党员"}, "转正日期"),
    "joined under 18": ({"入党日期": "1995-07-01", "转正日期": "1996-07-01"}, "入党日期"),
    "bad status": ({"党员状态": "党员"}, "党员状态"),
    "bad education": ({"学历": "博士后"}, "学历"),
    "bad yes/no": ({"是否流动党员": "也许"}, "是否流动党员"),
    "bad phone": ({"手机号": "12345"}, "手机号"),
    "missing branch code": ({"所在支部编码": None}, "所在支部编码"),
    "unknown branch code": ({"所在支部编码": "NO-SUCH"}, "所在支部编码"),
    "branch code of another tenant": ("world_b", "所在支部编码"),
    "branch outside the actor's subtree": ("other_branch", "所在支部编码"),
    "a general branch is not a branch": ("general_branch", "所在支部编码"),
    "group of another branch": ("group_elsewhere", "党小组编码"),
    "group code that is a branch": ("branch_as_group", "党小组编码"),
}


def _bad_row(case, world_a, world_b) -> dict:
    overrides, _column = BAD_ROWS[case]
    valid_id = fresh_id()
    if overrides == "checksum":
        last = "0" if valid_id[-1] != "0" else "1"
        return person(world_a.branch.code, 身份证号=valid_id[:-1] + last)
    if overrides == "short":
        return person(world_a.branch.code, 身份证号=valid_id[:17])
    if overrides == "world_b":
        return person(world_b.branch.code)
    if overrides == "other_branch":
        return person(world_a.other_branch.code)
    if overrides == "general_branch":
        return person(world_a.general_branch.code)
    if overrides == "group_elsewhere":
        return person(world_a.other_branch.code, 党小组编码=world_a.group.code)
    if overrides == "branch_as_group":
        return person(world_a.branch.code, 党小组编码=world_a.branch.code)
    return person(world_a.branch.code, **({"身份证号": valid_id} | overrides))


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_is_reported_and_nothing_is_written(case, world_a, world_b):
    # The secretary may change world_a.branch only; the tenant admin is needed to reach other_branch's group.
    actor_role = Role.TENANT_ADMIN if case in ("a general branch is not a branch", "group of another branch") \
        else Role.SECRETARY
    actor = world_a.user(actor_role)
    good = person(world_a.branch.code, 姓名="好人")
    bad = _bad_row(case, world_a, world_b)
    before = Member.objects.count()

    result = roster.import_roster(actor=actor, file=xlsx([good, bad]))

    assert result.created == 0
    assert (3, BAD_ROWS[case][1]) in cells(result), result.errors
    assert all(e.row == 3 for e in result.errors), result.errors
    assert Member.objects.count() == before
    assert "nothing was written" in result.summary or "未写入" in result.summary
    for error in result.errors:  # personal data never travels in a message
        assert str(bad["身份证号"]) not in error.message
        assert str(good["身份证号"]) not in error.message
        assert "13800138000" not in error.message
        assert set(error.as_dict()) == {"row", "column", "message"}


def test_unknown_other_tenant_and_out_of_scope_codes_get_the_same_answer(world_a, world_b):
    secretary = world_a.user(Role.SECRETARY)
    rows = [person("NO-SUCH"), person(world_b.branch.code), person(world_a.other_branch.code)]
    result = roster.import_roster(actor=secretary, file=xlsx(rows))
    messages = {e.message for e in result.errors if e.column == "所在支部编码"}
    assert cells(result) == {(2, "所在支部编码"), (3, "所在支部编码"), (4, "所在支部编码")}
    assert len(messages) == 1


def test_a_dissolved_branch_takes_no_new_members(world_a):
    Organization.objects.filter(pk=world_a.other_branch.pk).update(status=OrgStatus.DISSOLVED)
    result = roster.import_roster(actor=world_a.user(Role.TENANT_ADMIN),
                                  file=xlsx([person(world_a.other_branch.code)]))
    assert cells(result) == {(2, "所在支部编码")}


def test_a_platform_operator_without_a_tenant_cannot_import(world_a):
    operator = User.objects.create(username="operator", is_superuser=True, is_staff=True)
    result = roster.import_roster(actor=operator, file=xlsx([person(world_a.branch.code)]))
    assert cells(result) == {(2, "所在支部编码")}


def test_duplicate_id_within_the_file_reports_both_rows(world_a):
    same = fresh_id()
    rows = [person(world_a.branch.code, 身份证号=same), person(world_a.branch.code),
            person(world_a.branch.code, 身份证号=same.lower())]
    before = Member.objects.count()

    result = roster.import_roster(actor=world_a.user(Role.SECRETARY), file=xlsx(rows))

    assert cells(result) == {(2, "身份证号"), (4, "身份证号")}
    assert "4" in result.errors[0].message and "2" in result.errors[1].message
    assert Member.objects.count() == before


def test_id_already_registered_in_the_tenant(world_a):
    taken = world_a.other_members[0].national_id  # outside the secretary's subtree, same tenant
    rows = [person(world_a.branch.code), person(world_a.branch.code, 身份证号=taken)]
    before = Member.objects.count()

    result = roster.import_roster(actor=world_a.user(Role.SECRETARY), file=xlsx(rows))

    assert cells(result) == {(3, "身份证号")}
    assert taken not in result.errors[0].message
    assert Member.objects.count() == before


def test_several_errors_in_one_row_are_all_reported_in_column_order(world_a):
    bad = person(world_a.branch.code, 姓名="", 性别="?", 手机号="1", 入党日期="x")
    result = roster.import_roster(actor=world_a.user(Role.SECRETARY), file=xlsx([bad]))
    assert [e.column for e in result.errors] == ["姓名", "性别", "手机号", "入党日期"]


def test_error_report_is_capped(world_a, monkeypatch):
    monkeypatch.setattr(roster, "MAX_REPORTED_ERRORS", 5)
    rows = [person(world_a.branch.code, 性别="?") for _ in range(20)]
    result = roster.import_roster(actor=world_a.user(Role.SECRETARY), file=xlsx(rows))
    assert result.truncated and len(result.errors) == 5 and result.created == 0


# --- Files that cannot be imported at all ---


def _file_level(result) -> str:
    assert result.created == 0
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert (error.row, error.column) == (0, "")
    return error.message


def _corrupt_zip() -> bytes:
    data = workbook_bytes([{"姓名": "x"}])
    return data[: len(data) // 2]


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


def _broken_sheet_xml() -> bytes:
    """A valid zip and workbook whose worksheet XML is cut short."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([{"姓名": "x"}])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) - 40]
            archive.writestr(item, data)
    return buffer.getvalue()


@pytest.mark.parametrize("content", [
    pytest.param("姓名,性别\n张三,男\n".encode(), id="csv renamed"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, id="old xls"),
    pytest.param(_corrupt_zip(), id="truncated zip"),
    pytest.param(_zip_without_workbook(), id="zip without workbook"),
    pytest.param(_broken_sheet_xml(), id="broken sheet xml"),
    pytest.param(b"", id="empty file"),
])
def test_a_file_that_is_not_an_xlsx_gives_one_clear_error(content, world_a):
    before = Member.objects.count()
    message = _file_level(roster.import_roster(actor=world_a.user(Role.SECRETARY), file=io.BytesIO(content)))
    assert message
    assert Member.objects.count() == before


def test_old_xls_is_named_as_such(world_a):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    message = _file_level(roster.import_roster(actor=world_a.user(Role.SECRETARY), file=io.BytesIO(content)))
    assert ".xls" in message


def test_empty_workbook(world_a):
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    buffer.seek(0)
    message = _file_level(roster.import_roster(actor=world_a.user(Role.SECRETARY), file=buffer))
    assert "no data rows" in message or "没有数据行" in message


def test_headers_only(world_a):
    message = _file_level(roster.import_roster(actor=world_a.user(Role.SECRETARY),
                                               file=xlsx([], trailing_blank_rows=3)))
    assert "no data rows" in message or "没有数据行" in message


def test_missing_required_columns_are_reported_on_the_header_row(world_a):
    headers = [h for h in HEADERS if h not in ("身份证号", "党员状态")]
    result = roster.import_roster(actor=world_a.user(Role.SECRETARY),
                                  file=xlsx([person(world_a.branch.code)], headers))
    assert cells(result) == {(1, "身份证号"), (1, "党员状态")}
    assert result.created == 0


def test_a_column_given_twice_is_rejected(world_a):
    result = roster.import_roster(actor=world_a.user(Role.SECRETARY),
                                  file=xlsx([person(world_a.branch.code)], [*HEADERS, "姓名"]))
    assert cells(result) == {(1, "姓名")}


def test_file_size_limit(world_a, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1000
    message = _file_level(roster.import_roster(actor=world_a.user(Role.SECRETARY),
                                               file=xlsx([person(world_a.branch.code)])))
    assert "MB" in message


def test_row_limit(world_a, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 2
    before = Member.objects.count()
    rows = [person(world_a.branch.code) for _ in range(3)]
    message = _file_level(roster.import_roster(actor=world_a.user(Role.SECRETARY), file=xlsx(rows)))
    assert "2" in message
    assert Member.objects.count() == before


# --- Size ---


@pytest.mark.slow
def test_five_thousand_rows_import_completely(world_a):
    admin = world_a.user(Role.TENANT_ADMIN)
    rows = [
        person(world_a.branch.code if i % 2 else world_a.other_branch.code, 姓名=f"党员{i}",
               身份证号=make_national_id(birth_date=date(1960, 1, 1) + timedelta(days=i), sequence=i % 1000,
                                     region="110105"),
               手机号=f"135{i:08d}", 入党日期=date(2010, 7, 1), 转正日期=date(2011, 7, 1))
        for i in range(5000)
    ]
    data = xlsx(rows)
    before = Member.objects.count()

    # The speed target (under 30 s) is measured by bench/import_roster.py, not asserted here.
    result = roster.import_roster(actor=admin, file=data)

    assert result.errors == []
    assert result.created == 5000
    assert Member.objects.count() == before + 5000


# --- Export and template ---


def _data_rows(workbook) -> list[list]:
    sheet = workbook[roster.SHEET_TITLE]
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_for_a_secretary_is_masked_and_not_logged(world_a):
    secretary = world_a.user(Role.SECRETARY)
    members = Member.objects.visible_to(secretary)
    response = roster.export_response(actor=secretary, members=members)

    assert response["Content-Type"] == roster.XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('党员名册-')}" in disposition
    workbook = open_xlsx(response.content)
    header = [c.value for c in workbook[roster.SHEET_TITLE][1]]
    template = open_xlsx(roster.template_response(actor=secretary).content)
    assert header == [c.value for c in template[roster.SHEET_TITLE][1]] == HEADERS
    rows = _data_rows(workbook)
    assert len(rows) == len(world_a.members)
    by_name = {m.name: m for m in world_a.members}
    id_col, phone_col = HEADERS.index("身份证号"), HEADERS.index("手机号")
    for row in rows:
        member = by_name[row[0]]
        assert row[id_col] == pii.mask_national_id(member.national_id) != member.national_id
        assert row[phone_col] == pii.mask_phone(member.phone)
        assert row[HEADERS.index("所在支部编码")] == world_a.branch.code
        assert row[HEADERS.index("入党日期")] == datetime(2010, 7, 1)
        assert row[HEADERS.index("党员状态")] == "正式党员"
    assert not PIIRevealLog.objects.exists()


def test_export_for_the_tenant_admin_is_clear_and_every_member_is_logged(world_a, world_b):
    admin = world_a.user(Role.TENANT_ADMIN)
    members = Member.objects.visible_to(admin)
    expected = {m.name: m.national_id for m in [*world_a.members, *world_a.other_members]}

    response = roster.export_response(actor=admin, members=members)

    rows = _data_rows(open_xlsx(response.content))
    assert {r[0]: r[HEADERS.index("身份证号")] for r in rows} == expected
    logs = PIIRevealLog.objects.all()
    assert logs.count() == len(expected)
    assert set(logs.values_list("member__name", flat=True)) == set(expected)
    assert set(logs.values_list("channel", "actor_id", "tenant_id")) == {
        (RevealChannel.EXPORT, admin.pk, world_a.tenant.pk)
    }


def test_export_queries_do_not_grow_with_the_members(world_a, django_assert_max_num_queries):
    admin = world_a.user(Role.TENANT_ADMIN)
    admin.has_perm("members.reveal_member_pii")  # load the permission cache outside the count
    with django_assert_max_num_queries(6):
        roster.export_response(actor=admin, members=Member.objects.visible_to(admin))


def test_an_exported_file_imports_back_with_only_already_registered_errors(world_a):
    """Export and import share one layout: re-importing the clear export finds every ID taken, nothing else."""
    admin = world_a.user(Role.TENANT_ADMIN)
    Member.objects.filter(pk=world_a.members[1].pk).update(group=world_a.group, education="secondary")
    content = roster.export_response(actor=admin, members=Member.objects.visible_to(admin)).content
    result = roster.import_roster(actor=admin, file=io.BytesIO(content))
    count_ = len(world_a.members) + len(world_a.other_members)
    assert len(result.errors) == count_
    assert {e.column for e in result.errors} == {"身份证号"}
    assert len({e.message for e in result.errors}) == 1


def test_template_lists_only_the_actors_branches_and_groups(world_a, world_b):
    secretary_book = open_xlsx(roster.template_response(actor=world_a.user(Role.SECRETARY)).content)
    admin_response = roster.template_response(actor=world_a.user(Role.TENANT_ADMIN))
    admin_book = open_xlsx(admin_response.content)

    assert secretary_book.sheetnames == [roster.SHEET_TITLE, roster.ORGS_SHEET_TITLE, roster.HELP_SHEET_TITLE]
    assert _data_rows(secretary_book) == []

    def codes(book):
        return [r[0] for r in book[roster.ORGS_SHEET_TITLE].iter_rows(min_row=2, values_only=True)]

    assert codes(secretary_book) == [world_a.branch.code, world_a.group.code]
    assert set(codes(admin_book)) == {world_a.branch.code, world_a.group.code, world_a.other_branch.code}
    assert not any(code.startswith("B-") for code in codes(admin_book))
    group_row = next(r for r in admin_book[roster.ORGS_SHEET_TITLE].iter_rows(min_row=2, values_only=True)
                     if r[0] == world_a.group.code)
    assert group_row[2:] == ("党小组", world_a.branch.code)
    assert admin_book[roster.HELP_SHEET_TITLE].max_row > 3
    assert admin_response["Content-Type"] == roster.XLSX_CONTENT_TYPE
    assert "filename*=UTF-8''" in admin_response["Content-Disposition"]


def test_the_template_filled_in_imports(world_a):
    secretary = world_a.user(Role.SECRETARY)
    workbook = open_xlsx(roster.template_response(actor=secretary).content)
    sheet = workbook[roster.SHEET_TITLE]
    row = person(world_a.branch.code)
    sheet.append([row[h] for h in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert roster.import_roster(actor=secretary, file=buffer).created == 1


# --- Operator command ---


def test_management_command_imports_a_small_file(world_a, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(workbook_bytes([person(world_a.branch.code), person(world_a.branch.code)]))
    before = Member.objects.count()
    out = io.StringIO()

    call_command("import_roster", str(path), "--user", world_a.user(Role.SECRETARY).username, stdout=out)

    assert Member.objects.count() == before + 2
    assert "2" in out.getvalue()


def test_management_command_dry_run_writes_nothing(world_a, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook_bytes([person(world_a.branch.code)]))
    before = Member.objects.count()
    out = io.StringIO()
    call_command("import_roster", str(path), "--user", world_a.user(Role.SECRETARY).username, "--dry-run",
                 stdout=out)
    assert Member.objects.count() == before
    assert "1" in out.getvalue()


def test_management_command_reports_errors_and_fails(world_a, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook_bytes([person(world_a.branch.code), person(world_a.branch.code, 性别="?")]))
    before = Member.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--user", world_a.user(Role.SECRETARY).username, stderr=err)
    assert "性别" in err.getvalue() and "3" in err.getvalue()
    assert Member.objects.count() == before


def test_management_command_unknown_user_or_file(world_a, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook_bytes([person(world_a.branch.code)]))
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--user", "nobody")
    with pytest.raises(CommandError):
        call_command("import_roster", str(tmp_path / "missing.xlsx"), "--user", world_a.user(Role.SECRETARY).username)
