"""The production shape (docker-compose.yml) and the developer commands point at things that exist.

Docker cannot run here, so this reads the compose file and checks every service's command:
``python manage.py X`` names a registered management command, ``gunicorn module:attr`` imports to a
WSGI callable, and ``celery -A config worker|beat`` finds the Celery app.
"""

import importlib
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = {name: svc for name, svc in SERVICES.items() if "build" in svc}


def test_production_services_present():
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_service_command_points_at_something_real(name):
    command = APP_SERVICES[name]["command"]
    program = command[0]
    if program == "python":
        assert command[1] == "manage.py" and (ROOT / "manage.py").exists()
        assert command[2] in get_commands(), f"{name}: no management command {command[2]}"
    elif program == "gunicorn":
        module, attr = command[1].split(":")
        assert callable(getattr(importlib.import_module(module), attr))
    elif program == "celery":
        assert command[1] == "-A"
        app = importlib.import_module(command[2]).celery_app
        assert isinstance(app, Celery)
        assert command[3] in {"worker", "beat"}
    else:
        pytest.fail(f"{name}: unknown program {program}")


def test_app_services_get_database_and_broker():
    for name, svc in APP_SERVICES.items():
        env = svc["environment"]
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert env["REDIS_URL"].startswith("redis://"), name
        for secret in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "PII_HASH_KEY"):
            assert secret in env, f"{name} lacks {secret}"


def test_web_worker_beat_wait_for_migrations():
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_dockerfile_copies_existing_paths():
    dockerfile = (ROOT / "Dockerfile").read_text().splitlines()
    for line in dockerfile:
        if line.startswith("COPY ") and not line.startswith("COPY . "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src


def test_make_targets_and_run_script_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run:", "test:", "install:"):
        assert f"\n{target}" in makefile
    script = ROOT / "scripts" / "run_all.sh"
    assert script.exists() and script.stat().st_mode & 0o111
    text = script.read_text()
    assert "celery\" -A config worker" in text and "celery\" -A config beat" in text and "runserver" in text
