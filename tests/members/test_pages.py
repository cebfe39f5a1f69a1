"""Member pages: list, detail with masked data and the logged reveal, create/edit/remove, import and export."""

import io
from datetime import date
from html import escape
from itertools import count

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core import crypto
from core.scoping import Role
from members import roster
from members.choices import RevealChannel
from members.idgen import make_national_id
from members.models import Member, PIIRevealLog

pytestmark = pytest.mark.django_db

_seq = count(500)


def text(msgid: str) -> str:
    """A message as the page shows it: translated to the site language, HTML-escaped."""
    with translation.override("zh-hans"):
        return escape(gettext(msgid))


def fresh_id(birth: date = date(1990, 3, 7)) -> str:
    return make_national_id(birth_date=birth, sequence=next(_seq), region="320102")


def login(client, user):
    client.force_login(user)
    return client


def member_data(world, **overrides) -> dict:
    data = {
        "organization": world.branch.pk, "group": "", "name": "王五", "gender": "female", "ethnicity": "汉族",
        "birth_date": "", "national_id": fresh_id(), "phone": "13912345678", "education": "undergraduate",
        "employer": "区教育局", "post": "科员", "joined_on": "2015-07-01", "full_member_on": "2016-07-01",
        "status": "full", "mobile_location": "",
    }
    data.update(overrides)
    return data


# --- list ---

def test_list_shows_the_secretarys_branch_with_masked_phones(client, world_a, world_b):
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("members:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert {m.pk for m in response.context["members"]} == {m.pk for m in world_a.members}
    member = world_a.members[0]
    assert member.name in html
    assert member.phone_masked in html and member.phone not in html
    assert world_a.other_members[0].name not in html
    assert world_b.members[0].name not in html
    for name in ("members:create", "members:import", "members:export", "members:template"):
        assert reverse(name) in html


def test_list_filters_and_carries_the_filter_to_the_export_link(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("members:list"), {"organization": world_a.other_branch.pk})
    html = response.content.decode()
    assert {m.pk for m in response.context["members"]} == {m.pk for m in world_a.other_members}
    assert f"{reverse('members:export')}?organization={world_a.other_branch.pk}" in html
    assert world_a.members[0].name not in html
    searched = client.get(reverse("members:list"), {"q": world_a.members[2].name})
    assert [m.pk for m in searched.context["members"]] == [world_a.members[2].pk]


def test_list_within_a_subtree_and_paginated(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("members:list"), {"within": world_a.general_branch.pk})
    assert {m.pk for m in response.context["members"]} == {m.pk for m in world_a.members}
    assert response.context["paginator"].count == 4


def test_list_for_a_reviewer_offers_no_writes(client, world_a):
    login(client, world_a.user(Role.REVIEWER))
    response = client.get(reverse("members:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["paginator"].count == 7
    assert reverse("members:create") not in html
    assert reverse("members:import") not in html


# --- detail and reveal ---

def test_detail_shows_masked_identity_only(client, world_a):
    member = world_a.members[1]
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("members:detail", args=[member.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert member.name in html and world_a.branch.name in html
    assert member.national_id_masked in html and member.national_id not in html
    assert member.phone_masked in html and member.phone not in html
    assert reverse("members:edit", args=[member.pk]) in html
    assert reverse("members:remove", args=[member.pk]) in html
    assert reverse("members:reveal", args=[member.pk]) not in html  # a secretary may not reveal


def test_detail_for_an_admin_offers_the_reveal_by_post(client, world_a):
    member = world_a.members[1]
    login(client, world_a.user(Role.TENANT_ADMIN))
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert f'action="{reverse("members:reveal", args=[member.pk])}"' in html
    assert member.national_id not in html
    assert not PIIRevealLog.objects.exists()


def test_reveal_by_an_admin_shows_clear_values_and_logs_once(client, world_a):
    member = world_a.members[1]
    admin = world_a.user(Role.TENANT_ADMIN)
    login(client, admin)
    response = client.post(reverse("members:reveal", args=[member.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert member.national_id in html and member.phone in html
    assert response["Cache-Control"] == "no-store"
    log = PIIRevealLog.objects.get()
    assert (log.member_id, log.actor_id, log.channel, log.tenant_id) == (
        member.pk, admin.pk, RevealChannel.PAGE, world_a.tenant.pk)


def test_reveal_is_post_only(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("members:reveal", args=[world_a.members[1].pk]))
    assert response.status_code == 405
    assert not PIIRevealLog.objects.exists()


def test_reveal_without_the_permission_is_refused_and_not_logged(client, world_a):
    member = world_a.members[1]
    login(client, world_a.user(Role.SECRETARY))
    response = client.post(reverse("members:reveal", args=[member.pk]))
    assert response.status_code == 403
    assert member.national_id not in response.content.decode()
    assert not PIIRevealLog.objects.exists()


def test_reveal_out_of_scope_is_404_and_not_logged(client, world_a, world_b):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.post(reverse("members:reveal", args=[world_b.members[0].pk]))
    assert response.status_code == 404
    assert world_b.members[0].national_id not in response.content.decode()
    assert not PIIRevealLog.objects.exists()


# --- create ---

def test_secretary_creates_a_member(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("members:create")
    assert client.get(url).status_code == 200
    data = member_data(world_a, group=world_a.group.pk)
    response = client.post(url, data)
    member = Member.objects.get(tenant=world_a.tenant, name="王五")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.organization_id, member.group_id) == (world_a.branch.pk, world_a.group.pk)
    assert member.national_id == data["national_id"]
    assert member.national_id_hash == crypto.keyed_hash(data["national_id"])
    assert member.birth_date == date(1990, 3, 7)  # taken from the ID
    assert member.phone == "13912345678"


def test_create_page_preselects_a_branch_given_in_the_query(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("members:create"), {"organization": world_a.branch.pk})
    assert response.status_code == 200
    assert response.context["form"].initial["organization"] == world_a.branch.pk


def test_a_bad_national_id_is_a_form_error_and_writes_nothing(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    good = fresh_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    before = Member.objects.count()
    response = client.post(reverse("members:create"), member_data(world_a, national_id=bad))
    assert response.status_code == 200
    assert text("The national ID number's check digit is wrong.") in response.content.decode()
    assert response.context["form"].errors["national_id"]
    assert Member.objects.count() == before


def test_a_registered_national_id_is_reported_by_the_service(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    before = Member.objects.count()
    response = client.post(reverse("members:create"),
                           member_data(world_a, national_id=world_a.members[0].national_id))
    assert response.status_code == 200
    assert text("A member with this national ID number is already registered.") in response.content.decode()
    assert Member.objects.count() == before


def test_a_group_of_another_branch_is_refused(client, world_a):
    other_group_owner = world_a.user(Role.TENANT_ADMIN)
    login(client, other_group_owner)
    response = client.post(reverse("members:create"),
                           member_data(world_a, organization=world_a.other_branch.pk, group=world_a.group.pk))
    assert response.status_code == 200
    assert text("The Party group must belong to the member's branch.") in response.content.decode()
    assert not Member.objects.filter(name="王五").exists()


def test_a_branch_outside_the_scope_is_not_a_choice(client, world_a, world_b):
    login(client, world_a.user(Role.SECRETARY))
    for org in (world_a.other_branch, world_b.branch):
        response = client.post(reverse("members:create"), member_data(world_a, organization=org.pk))
        assert response.status_code == 200
        assert response.context["form"].errors["organization"]
    assert not Member.objects.filter(name="王五").exists()


def test_create_for_a_branch_out_of_scope_is_404_and_for_a_reader_403(client, world_a, world_b):
    login(client, world_a.user(Role.SECRETARY))
    assert client.get(reverse("members:create"), {"organization": world_b.branch.pk}).status_code == 404
    assert client.get(reverse("members:create"), {"organization": world_a.other_branch.pk}).status_code == 404
    assert client.get(reverse("members:create"), {"organization": "abc"}).status_code == 404
    login(client, world_a.user(Role.REVIEWER))
    assert client.get(reverse("members:create")).status_code == 403
    assert client.get(reverse("members:create"), {"organization": world_a.branch.pk}).status_code == 403
    assert client.post(reverse("members:create"), member_data(world_a)).status_code == 403
    assert not Member.objects.filter(name="王五").exists()


# --- edit ---

def test_edit_never_prefills_the_clear_id_and_blank_keeps_it(client, world_a):
    member = world_a.members[1]
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("members:edit", args=[member.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert member.national_id not in html and member.phone not in html
    assert member.national_id_masked in html
    response = client.post(url, member_data(world_a, name="甲一（改）", national_id="", phone="",
                                            birth_date="1985-06-15"))
    assert response.status_code == 302
    updated = Member.objects.get(pk=member.pk)
    assert updated.name == "甲一（改）"
    assert (updated.national_id, updated.national_id_hash, updated.phone) == (
        member.national_id, member.national_id_hash, member.phone)


def test_edit_with_a_new_id_replaces_it(client, world_a):
    member = world_a.members[1]
    login(client, world_a.user(Role.SECRETARY))
    new_id = fresh_id(date(1986, 1, 2))
    response = client.post(reverse("members:edit", args=[member.pk]),
                           member_data(world_a, name=member.name, national_id=new_id, birth_date=""))
    assert response.status_code == 302
    updated = Member.objects.get(pk=member.pk)
    assert updated.national_id == new_id
    assert updated.birth_date == date(1986, 1, 2)


def test_edit_with_a_bad_id_changes_nothing(client, world_a):
    member = world_a.members[1]
    login(client, world_a.user(Role.SECRETARY))
    response = client.post(reverse("members:edit", args=[member.pk]),
                           member_data(world_a, name="不应保存", national_id="12345"))
    assert response.status_code == 200
    assert text("The national ID number must have 18 characters.") in response.content.decode()
    assert Member.objects.get(pk=member.pk).name == member.name


def test_reviewer_cannot_edit_or_remove(client, world_a):
    member = world_a.members[1]
    login(client, world_a.user(Role.REVIEWER))
    for name in ("members:edit", "members:remove"):
        url = reverse(name, args=[member.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, member_data(world_a, name="x")).status_code == 403
    member.refresh_from_db()
    assert (member.name, member.is_active) == ("A甲1", True)


# --- remove ---

def test_remove_asks_then_takes_the_member_off_the_roster(client, world_a):
    member = world_a.members[2]
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("members:remove", args=[member.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and member.name in confirm.content.decode()
    assert Member.objects.get(pk=member.pk).is_active
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("members:list")
    assert not Member.objects.get(pk=member.pk).is_active
    listed = client.get(reverse("members:list"))
    assert member.pk not in {m.pk for m in listed.context["members"]}
    off = client.get(reverse("members:list"), {"is_active": "false"})
    assert [m.pk for m in off.context["members"]] == [member.pk]


# --- out of scope is 404 on every page of a member ---

# Each page with the methods it accepts.
MEMBER_PAGES = [("members:detail", ("get",)), ("members:edit", ("get", "post")),
                ("members:remove", ("get", "post")), ("members:reveal", ("post",))]


@pytest.mark.parametrize(("name", "methods"), MEMBER_PAGES)
def test_another_tenants_member_is_404(client, world_a, world_b, name, methods):
    target = world_b.members[0]
    login(client, world_a.user(Role.TENANT_ADMIN))
    url = reverse(name, args=[target.pk])
    for method in methods:
        assert getattr(client, method)(url, member_data(world_a, name="x")).status_code == 404
    target.refresh_from_db()
    assert (target.name, target.is_active) == (world_b.members[0].name, True)
    assert not PIIRevealLog.objects.exists()


@pytest.mark.parametrize(("name", "methods"), MEMBER_PAGES)
def test_a_member_outside_the_subtree_is_404(client, world_a, name, methods):
    target = world_a.members[0]
    login(client, world_a.user("outsider"))
    url = reverse(name, args=[target.pk])
    for method in methods:
        assert getattr(client, method)(url, member_data(world_a, name="x")).status_code == 404
    target.refresh_from_db()
    assert (target.name, target.is_active) == ("A甲0", True)


# --- import, export, template ---

def roster_file(rows: list[dict], name: str = "roster.xlsx") -> SimpleUploadedFile:
    """A small .xlsx in the roster layout; rows are keyed by column key (roster.COLUMNS)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = roster.SHEET_TITLE
    ws.append([header for _key, header in roster.COLUMNS])
    for row in rows:
        ws.append([row.get(key) for key, _header in roster.COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def roster_row(branch_code: str, name: str, **overrides) -> dict:
    return {"name": name, "gender": "男", "national_id": fresh_id(), "phone": "13800138000",
            "organization": branch_code, "joined_on": "2012-07-01", "full_member_on": "2013-07-01",
            "status": "正式党员", **overrides}


def test_import_page_renders_for_a_secretary_and_refuses_a_reader(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("members:import"))
    assert response.status_code == 200
    assert reverse("members:template") in response.content.decode()
    login(client, world_a.user(Role.REVIEWER))
    assert client.get(reverse("members:import")).status_code == 403


def test_import_of_valid_rows_creates_members_and_redirects(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    upload = roster_file([roster_row(world_a.branch.code, "导入甲"), roster_row(world_a.branch.code, "导入乙")])
    response = client.post(reverse("members:import"), {"file": upload}, follow=True)
    assert response.redirect_chain[-1] == (reverse("members:list"), 302)
    assert set(Member.objects.filter(name__startswith="导入").values_list("name", flat=True)) == {"导入甲", "导入乙"}
    with translation.override("zh-hans"):
        messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "2" in messages[0]


def test_import_with_an_error_reports_rows_and_writes_nothing(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    rows = [roster_row(world_a.branch.code, "导入甲"),
            roster_row(world_a.other_branch.code, "导入乙")]  # a branch the secretary may not import into
    before = Member.objects.count()
    response = client.post(reverse("members:import"), {"file": roster_file(rows)})
    html = response.content.decode()
    assert response.status_code == 200
    result = response.context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "所在支部编码")]
    assert escape(result.summary) in html
    assert 'class="table table-sm table-striped import-errors"' in html and "所在支部编码" in html
    assert Member.objects.count() == before


def test_import_refuses_a_file_that_is_not_xlsx(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    upload = SimpleUploadedFile("roster.csv", b"name,gender\n", content_type="text/csv")
    response = client.post(reverse("members:import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_export_is_the_scoped_and_filtered_list(client, world_a, world_b):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("members:export"), {"organization": world_a.other_branch.pk})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {m.name for m in world_a.other_members}


def test_export_passes_the_scoped_filtered_queryset(client, world_a, world_b, monkeypatch):
    seen = {}

    def fake_export(*, actor, members):
        seen["actor"], seen["members"] = actor, set(members)
        return HttpResponse("ok")

    monkeypatch.setattr(roster, "export_response", fake_export)
    secretary = world_a.user(Role.SECRETARY)
    login(client, secretary)
    response = client.get(reverse("members:export"), {"q": "A甲"})
    assert response.status_code == 200
    assert seen["actor"] == secretary
    assert seen["members"] == set(world_a.members)  # not the other branch's 乙, not world_b


def test_template_download(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("members:template"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb[roster.SHEET_TITLE][1]] == [header for _key, header in roster.COLUMNS]


def test_member_pages_need_a_login(client, world_a):
    for url in (reverse("members:list"), reverse("members:detail", args=[world_a.members[0].pk]),
                reverse("members:create"), reverse("members:import")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
