# BVCT: the two commands of the README contract are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) src/manage.py
STAMP := $(VENV)/.installed
# A developer's machine may use a generated secret key (kept in var/); production may not.
export BVCT_ALLOW_GENERATED_SECRET_KEY ?= true

.PHONY: install run stop db test lint typecheck pytest check-django bench clean messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "BVCT needs Python 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	@$(MANAGE) compile_translations

# Start the embedded PostgreSQL under var/ (skipped when DATABASE_URL points elsewhere).
db: install
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m bvct.core.devdb start >/dev/null && echo "PostgreSQL: running under var/pg"; fi

# Migrate, load demo data if empty, serve on 127.0.0.1:$BVCT_DEV_PORT (default 8000); Ctrl-C or
# `make stop` stops what it started.
run: install
	@$(PY) -m bvct.core.devserver

# Stop what `make run` of this checkout started (recorded in var/devserver.pid), then the
# embedded PostgreSQL if something left it running. Never by a process name pattern.
stop:
	@if [ -x $(PY) ]; then $(PY) -m bvct.core.devserver stop && $(PY) -m bvct.core.devdb stop; fi

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy src/bvct src/config

# Django checks and tests run on a throwaway embedded PostgreSQL unless DATABASE_URL is set.
WITH_DB = $(if $(DATABASE_URL),,$(PY) -m bvct.core.devdb throwaway --)

CHECKS = $(MANAGE) check --fail-level WARNING && $(MANAGE) makemigrations --check --dry-run

check-django: install
	$(WITH_DB) bash -c '$(CHECKS)'

pytest: install
	$(WITH_DB) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Lint and types first (fast); then Django checks and the suite on one throwaway cluster.
test: lint typecheck
	$(WITH_DB) bash -c '$(CHECKS) && $(VENV)/bin/pytest $(PYTEST_ARGS)'


bench: install
	@echo "See bench/README.md: each script there states its dataset and how to run it."

clean: stop
	rm -rf var $(VENV) staticfiles
