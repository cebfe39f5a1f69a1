"""Login for pages (session) and the API (token); failed logins are locked out."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.scoping import Role

pytestmark = pytest.mark.django_db
PASSWORD = "pw-test-123"


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()
    yield
    cache.clear()


def test_page_login_and_logout(world_a, client):
    user = world_a.user(Role.SECRETARY)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_pages_require_login(client):
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_page_login_locks_out_after_repeated_failures(world_a, client, settings):
    user = world_a.user(Role.SECRETARY)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
        assert response.status_code in (200, 429)
    # Even the right password is refused while locked out.
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/").status_code == 302


def test_lockout_is_per_username(world_a, client, settings):
    victim, other = world_a.user(Role.SECRETARY), world_a.user(Role.REVIEWER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": victim.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302


def test_api_token_login_and_use(world_a):
    user = world_a.user(Role.REVIEWER)
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == user.username and me["grants"] == [{"role": "reviewer", "path": world_a.root.path}]
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_api_token_login_locks_out(world_a, settings):
    user = world_a.user(Role.REVIEWER)
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"
    # The failure that reaches the limit locks the pair out.
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json")
    assert response.status_code == 429
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert "token" not in response.json()
