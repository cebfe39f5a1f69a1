"""Roster import, export and template through the API: wiring, status codes, error body, scope."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.scoping import Role
from members import roster
from members.models import Member, PIIRevealLog
from tests.conftest import api_as
from tests.members.test_roster import HEADERS, person, workbook_bytes

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/v1/members/import/"
EXPORT_URL = "/api/v1/members/export/"
TEMPLATE_URL = "/api/v1/members/template/"


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=roster.XLSX_CONTENT_TYPE)


def post_file(user, content: bytes, name: str = "名册.xlsx"):
    return api_as(user).post(IMPORT_URL, {"file": upload(content, name)}, format="multipart")


def test_import_creates_members(world_a):
    before = Member.objects.count()
    rows = [person(world_a.branch.code, 姓名="甲"), person(world_a.branch.code, 姓名="乙")]

    response = post_file(world_a.user(Role.SECRETARY), workbook_bytes(rows))

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 2, "errors": []}
    assert Member.objects.count() == before + 2


def test_import_with_errors_is_400_with_row_errors_and_the_error_body(world_a):
    before = Member.objects.count()
    bad = person(world_a.branch.code, 性别="未知")
    rows = [person(world_a.branch.code), bad]

    response = post_file(world_a.user(Role.SECRETARY), workbook_bytes(rows))

    assert response.status_code == 400
    body = response.json()
    assert body["created"] == 0
    assert body["errors"] == [{"row": 3, "column": "性别", "message": body["errors"][0]["message"]}]
    assert body["error"]["code"] == "import_rejected"
    assert body["error"]["message"] and body["error"]["fields"] == {}
    assert bad["身份证号"] not in response.content.decode()
    assert Member.objects.count() == before


def test_import_into_another_tenants_branch_is_refused(world_a, world_b):
    before = Member.objects.count()
    response = post_file(world_b.user(Role.TENANT_ADMIN), workbook_bytes([person(world_a.branch.code)]))
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "所在支部编码")]
    assert Member.objects.count() == before


def test_import_of_a_file_that_is_not_excel_is_400_not_500(world_a):
    response = post_file(world_a.user(Role.SECRETARY), b"this is not a workbook", name="roster.xlsx")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["row"] == 0


def test_import_without_a_file_is_a_validation_error(world_a):
    response = api_as(world_a.user(Role.SECRETARY)).post(IMPORT_URL, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_anonymous_cannot_import_export_or_download(api):
    assert api.post(IMPORT_URL, {"file": upload(b"x")}, format="multipart").status_code in (401, 403)
    assert api.get(EXPORT_URL).status_code in (401, 403)
    assert api.get(TEMPLATE_URL).status_code in (401, 403)


def _sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return workbook, workbook[roster.SHEET_TITLE]


def test_export_is_xlsx_of_the_callers_scope_and_masked(world_a, world_b):
    response = api_as(world_a.user(Role.SECRETARY)).get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == roster.XLSX_CONTENT_TYPE
    assert "attachment;" in response["Content-Disposition"] and "filename*=UTF-8''" in response["Content-Disposition"]
    _workbook, sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert {r[0] for r in rows[1:]} == {m.name for m in world_a.members}
    content = response.content
    for member in [*world_a.members, *world_b.members]:
        assert member.national_id.encode() not in content
    assert not PIIRevealLog.objects.exists()


def test_export_respects_filters_and_logs_clear_values_for_the_admin(world_a):
    admin = world_a.user(Role.TENANT_ADMIN)
    response = api_as(admin).get(EXPORT_URL, {"organization": world_a.other_branch.pk})
    assert response.status_code == 200
    _workbook, sheet = _sheet(response)
    ids = [r[HEADERS.index("身份证号")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(m.national_id for m in world_a.other_members)
    assert PIIRevealLog.objects.filter(actor=admin, channel="export").count() == len(world_a.other_members)


def test_template_is_xlsx_with_the_callers_organizations(world_a, world_b):
    response = api_as(world_a.user(Role.SECRETARY)).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == roster.XLSX_CONTENT_TYPE
    workbook, sheet = _sheet(response)
    assert [c.value for c in sheet[1]] == HEADERS
    codes = [r[0] for r in workbook[roster.ORGS_SHEET_TITLE].iter_rows(min_row=2, values_only=True)]
    assert codes == [world_a.branch.code, world_a.group.code]
