# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench install browser migrate seed lock settings-doc kpi-doc clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/portal migrate

seed: migrate
	$(BIN)/portal seed-demo
	$(BIN)/portal remind

## Web app, Celery worker and beat on SQLite and the filesystem broker under var/.
run: seed
	$(BIN)/portal run

## Lint, format check and the whole test suite (SQLite, and PostgreSQL/Redis when they answer).
test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Debian's chromium for the browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

bench: install
	$(BIN)/python -m pytest tests/bench -o addopts="-ra"

lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra postgres --extra dev --python-version 3.11 -o requirements.lock

settings-doc: install
	$(BIN)/portal settings-doc --write

kpi-doc: install
	$(BIN)/portal kpi-doc --write

clean:
	rm -rf var/ test-artifacts/
