"""Every API route and every page, walked from the URL resolver: out of scope is 404 and leaks nothing.

Each route is requested as a user of the other tenant (its tenant admin) and as a user of the same
tenant outside the target's subtree (the secretary of a sibling branch). A route with an object id
must answer 404 for every method it accepts and leave the object unchanged; a route without one
must not show the target's rows. A route whose model has no target below, or that is neither
checked nor exempted with a reason, fails the test: new routes cannot slip past it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from activities.models import Appraisal, Meeting, Plan, Talk
from branches.models import Organization
from core.scoping import Role
from inspections.models import Inspection, RectificationTicket, Visit
from members.models import Member
from notifications.models import Reminder
from tests.factories import populate_activities, populate_inspections, remind

pytestmark = pytest.mark.django_db

# How to find, in a tenant world, the object a route with an id is tried on; and the names that
# must never appear in what an out-of-scope user sees.
TARGETS = {
    Organization: lambda w: w.branch,
    Member: lambda w: w.members[1],
    Meeting: lambda w: populate_activities(w)["meeting"],
    Plan: lambda w: populate_activities(w)["plan"],
    Appraisal: lambda w: populate_activities(w)["appraisal"],
    Talk: lambda w: populate_activities(w)["talk"],
    Inspection: lambda w: populate_inspections(w)["inspection"],
    Visit: lambda w: populate_inspections(w)["visit"],
    RectificationTicket: lambda w: populate_inspections(w)["ticket"],
    Reminder: remind,
}

# Routes that are not tenant data, each with the reason.
EXEMPT = {
    "accounts:login": "the login page itself",
    "accounts:logout": "ends the caller's own session",
    "schema": "the OpenAPI document describes routes, holds no rows",
    "api-docs": "interactive docs page, holds no rows",
    "api-redoc": "docs page, holds no rows",
    "api:api-root": "lists the API's route names only",
    "api:auth-token": "login: exchanges the caller's own credentials",
    "api:auth-logout": "revokes the caller's own token",
    "api:me": "returns the caller's own user and grants",
}
# Django admin: platform operators only; tenant users are not staff (test_admin_is_closed_to_tenant_users).
EXEMPT_PREFIXES = ("admin/",)


@dataclass
class Route:
    name: str
    regex: str
    callback: object

    @property
    def params(self) -> list[str]:
        return re.findall(r"\(\?P<(\w+)>", self.regex)

    @property
    def is_api(self) -> bool:
        return hasattr(self.callback, "cls")

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def model(self) -> type[Model] | None:
        cls = self.view_class
        if cls is None:
            return None
        qs = getattr(cls, "queryset", None)
        if qs is not None:
            return qs.model
        return getattr(cls, "model", None)

    def methods(self) -> list[str]:
        if self.is_api:
            allowed = getattr(self.view_class, "http_method_names", ["get"])
            return sorted(m for m in (getattr(self.callback, "actions", None) or {"get": "get"}) if m in allowed)
        cls = self.view_class
        if cls is None:
            return ["get"]
        return [m for m in ("get", "post") if hasattr(cls, m) and m in cls.http_method_names]

    def url(self, **values) -> str:
        path = self.regex.lstrip("^").rstrip("$").replace("\\Z", "")
        for key, value in values.items():
            path = re.sub(rf"\(\?P<{key}>[^)]*\)", str(value), path)
        path = path.replace("^", "").replace("\\", "")
        return "/" + path.replace("//", "/")


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if namespace and p.namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from _walk(p.url_patterns, prefix + p.pattern.regex.pattern, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield Route(name=name, regex=prefix + p.pattern.regex.pattern, callback=p.callback)


def all_routes() -> list[Route]:
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if "format" in route.params:  # DRF's ".json" suffix duplicates of the same views
            continue
        if route.regex.startswith(("^static/", "^media/", "static/", "media/")):
            continue
        routes.append(route)
    return routes


ROUTES = all_routes()
TENANT_ROUTES = [r for r in ROUTES if r.name not in EXEMPT and not r.regex.lstrip("^").startswith(EXEMPT_PREFIXES)]


def _client(user, api: bool):
    if api:
        client = APIClient()
        client.force_authenticate(user=user)
        return client
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _intruders(world_a, world_b):
    return {
        "other tenant": world_b.user(Role.TENANT_ADMIN),
        "outside the subtree": world_a.user("outsider"),
    }


def _leak_markers(world_a) -> list[str]:
    """Names inside the target subtree (branch A1 and its members) that intruders must not see."""
    return [world_a.branch.name, world_a.group.name, *[m.name for m in world_a.members], "缺少签到表"]


def _text(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in content_type:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
                         if c is not None)
    return body.decode("utf-8", errors="replace")


def test_every_route_is_classified():
    """A route that is neither checked nor exempted, or whose model has no target, fails here."""
    problems = []
    for route in TENANT_ROUTES:
        if not route.name:
            problems.append(f"{route.regex}: unnamed route")
        unknown = set(route.params) - {"pk"}
        if unknown:
            problems.append(f"{route.name}: parameters {sorted(unknown)} have no isolation values")
        if "pk" in route.params and route.model not in TARGETS:
            problems.append(f"{route.name}: model {route.model} has no isolation target in TARGETS")
    assert not problems, "\n".join(problems)
    assert len(TENANT_ROUTES) >= 10  # the walk really found the app's routes


@pytest.mark.parametrize("route", [r for r in TENANT_ROUTES if "pk" in r.params], ids=lambda r: r.name)
def test_object_routes_answer_404_out_of_scope(route, world_a, world_b):
    target = TARGETS[route.model](world_a)
    before = list(type(target).objects.filter(pk=target.pk).values())
    url = route.url(pk=target.pk)
    for who, user in _intruders(world_a, world_b).items():
        client = _client(user, route.is_api)
        for method in route.methods():
            kwargs = {"format": "json"} if route.is_api and method != "get" else {}
            response = getattr(client, method)(url, {}, **kwargs)
            assert response.status_code == 404, f"{method.upper()} {url} as {who}: {response.status_code}"
            if route.is_api and method != "head":
                assert response.json()["error"]["code"] == "not_found"
    assert list(type(target).objects.filter(pk=target.pk).values()) == before, "an out-of-scope request wrote"


@pytest.mark.parametrize("route", [r for r in TENANT_ROUTES if "pk" not in r.params], ids=lambda r: r.name)
def test_collection_routes_leak_nothing_out_of_scope(route, world_a, world_b):
    populate_activities(world_a)
    populate_inspections(world_a)
    remind(world_a)
    markers = _leak_markers(world_a)
    url = route.url()
    for who, user in _intruders(world_a, world_b).items():
        client = _client(user, route.is_api)
        if "get" not in route.methods():
            continue
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 405), f"GET {url} as {who}: {response.status_code}"
        text = _text(response)
        leaked = [m for m in markers if m in text]
        assert not leaked, f"GET {url} as {who} shows {leaked}"
        # The same page or list does show the target to someone in scope (the check can fail).
    insider = _client(world_a.user(Role.TENANT_ADMIN), route.is_api)
    assert insider.get(url).status_code in (200, 302, 405)


def test_collection_routes_do_show_the_target_in_scope(world_a, world_b):
    """The leak check is not vacuous: the member list shows the target's names to its secretary."""
    client = _client(world_a.user(Role.SECRETARY), api=True)
    body = client.get("/api/v1/members/").content.decode()
    assert all(m.name in body for m in world_a.members)


def test_admin_is_closed_to_tenant_users(world_a, client):
    client.force_login(world_a.user(Role.TENANT_ADMIN))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
