# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PY ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
PYTEST_ARGS ?=
TEST_WORKERS ?= 2

.PHONY: install run web test test-fast lint messages migrate seed district clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Install, migrate, load the demo data, then run the web app, a Celery worker and Celery beat
# together (SQLite and a file-system broker unless DATABASE_URL / REDIS_URL say otherwise).
run: seed
	$(BIN)/python manage.py collectstatic --noinput -v0
	PORT=$(PORT) BIN=$(BIN) ./scripts/run_all.sh

# Every test. Without DATABASE_URL on SQLite; with it on PostgreSQL (tests that need
# PostgreSQL or Redis say so when they skip).
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests were collected"; fi; exit $$rc

test-fast: install
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Re-extract the translatable strings into the zh_Hans catalogue and compile it.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=static --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

district: migrate
	$(BIN)/python manage.py seed_demo --scale district

clean:
	rm -rf var .pytest_cache .ruff_cache
