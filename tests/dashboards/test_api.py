"""GET /api/v1/dashboard/{id}/: the JSON's shape and values, and the structured 400 for a bad period."""

import pytest
import time_machine

from core.scoping import Role
from tests.conftest import api_as
from tests.dashboards.test_dashboard import NOW, OCTOBER, build_scenario

pytestmark = pytest.mark.django_db

FIGURE_KEYS = {"id", "name", "kind", "compliance", "compliance_by_kind", "requirements", "overdue", "overdue_by_kind",
               "meetings", "attendance", "members", "near_3", "near_5", "branches", "terms", "tickets", "weak"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def scenario(world_a):
    return build_scenario(world_a)


def test_shape_and_values(scenario):
    world = scenario.world
    response = api_as(world.user(Role.REVIEWER)).get(f"/api/v1/dashboard/{world.root.pk}/", OCTOBER)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"organization", "period", "totals", "children", "trend", "overdue_children", "heatmap",
                         "weak_weights", "weak_threshold"}
    assert body["organization"] == {"id": world.root.pk, "name": world.root.name, "kind": "committee"}
    assert body["period"] == {"period": "month", "start": "2026-10-01", "end": "2026-10-31", "today": "2026-11-22"}

    totals = body["totals"]
    assert set(totals) == FIGURE_KEYS
    assert totals["compliance"] == {"done": 2, "slots": 7, "rate": pytest.approx(2 / 7)}
    assert totals["requirements"] == {"done": 2, "due": 3, "overdue": 2}
    assert totals["overdue"] == 2 and totals["overdue_by_kind"] == {"theme_day": 1, "group_meeting": 1}
    by_kind = {row["kind"]: row for row in totals["compliance_by_kind"]}
    assert list(by_kind)[:2] == ["general_meeting", "committee_meeting"]  # DASHBOARD_KINDS order, every kind
    assert by_kind["theme_day"] | {"label": ""} == {"kind": "theme_day", "label": "", "done": 1, "slots": 2,
                                                    "rate": 0.5, "overdue": 1}
    assert by_kind["committee_meeting"]["rate"] is None  # nothing required: no rate, not 0 %
    assert totals["attendance"] == {"expected": 4, "present": 3, "rate": 0.75}
    assert (totals["meetings"], totals["members"], totals["near_3"], totals["near_5"]) == (1, 7, 3, 2)
    assert totals["terms"] == {"overdue": 1, "expiring": 1, "unknown": 0}
    assert totals["tickets"] == {"open": 2, "overdue": 1, "supervised": 1,
                                 "by_status": {"filed": 2, "acknowledged": 0, "rectifying": 0, "submitted": 0,
                                               "accepted": 0, "closed": 0}}

    a2, gb = body["children"]
    assert set(a2) == FIGURE_KEYS
    assert (a2["id"], gb["id"]) == (world.other_branch.pk, world.general_branch.pk)  # worst first
    assert a2["weak"] == {"score": 65.1, "candidate": True,
                          "parts": {"compliance": 40.0, "overdue": 6.7, "attendance": 0, "six_month": 6.7,
                                    "term": 10.0, "tickets": 1.7}}
    assert gb["weak"]["candidate"] is False
    assert body["trend"] == [{"month": "2026-10", "meetings": 1, "slots": 7, "done": 2, "rate": pytest.approx(2 / 7)}]
    assert body["overdue_children"] == [
        {"id": world.other_branch.pk, "name": world.other_branch.name, "kind": "branch", "overdue": 1,
         "compliance": 0.0},
        {"id": world.general_branch.pk, "name": world.general_branch.name, "kind": "general_branch", "overdue": 1,
         "compliance": 0.5}]
    assert body["heatmap"] is None
    assert body["weak_weights"] == {"compliance": 40, "overdue": 20, "attendance": 15, "six_month": 10, "term": 10,
                                    "tickets": 5}
    assert body["weak_threshold"] == 40


def test_branch_has_a_heat_map(scenario):
    world = scenario.world
    body = api_as(world.user(Role.REVIEWER)).get(f"/api/v1/dashboard/{world.branch.pk}/", OCTOBER).json()
    assert body["heatmap"] == {"2026-10-15": 1}
    assert [c["id"] for c in body["children"]] == [world.group.pk]


def test_default_period_is_this_year(scenario):
    world = scenario.world
    body = api_as(world.user(Role.REVIEWER)).get(f"/api/v1/dashboard/{world.root.pk}/").json()
    assert body["period"] == {"period": "year", "start": "2026-01-01", "end": "2026-12-31", "today": "2026-11-22"}
    assert [row["month"] for row in body["trend"]] == [f"2026-{m:02d}" for m in range(1, 12)]  # to this month


def test_quarter(scenario):
    world = scenario.world
    body = api_as(world.user(Role.REVIEWER)).get(f"/api/v1/dashboard/{world.root.pk}/",
                                                 {"period": "quarter", "date": "2026-11-05"}).json()
    assert (body["period"]["start"], body["period"]["end"]) == ("2026-10-01", "2026-12-31")
    assert [row["month"] for row in body["trend"]] == ["2026-10", "2026-11"]


@pytest.mark.parametrize(("params", "field"), [
    ({"period": "week"}, "period"),
    ({"date": "2026-13-01"}, "date"),
    ({"date": "1999-12-31"}, "date"),
])
def test_bad_parameters_give_the_structured_400(world_a, params, field):
    response = api_as(world_a.user(Role.REVIEWER)).get(f"/api/v1/dashboard/{world_a.root.pk}/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert list(error["fields"]) == [field]


def test_out_of_scope_beats_a_bad_period(world_a, world_b):
    response = api_as(world_b.user(Role.TENANT_ADMIN)).get(f"/api/v1/dashboard/{world_a.root.pk}/",
                                                           {"period": "week"})
    assert response.status_code == 404


def test_no_list_and_no_writes(world_a):
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    assert client.get("/api/v1/dashboard/").status_code == 404
    assert client.post(f"/api/v1/dashboard/{world_a.root.pk}/", {}, format="json").status_code == 405


def test_in_the_openapi_schema(world_a, client):
    client.force_login(world_a.user(Role.REVIEWER))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/dashboard/{id}/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"id", "period", "date"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"totals", "children", "trend", "overdue_children"} <= set(component["properties"])
