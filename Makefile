# Tierdesk — `make run` to try it, `make test` to check it. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/tierdesk
PYTEST_WORKERS ?= 2
# The PostgreSQL pass waits on the server and on the processes its tests start for much of its
# time, so a third worker fills the two cores.
# `--dist load`: each worker takes the next tests of the sorted collection as it frees up, so
# none runs a test that rolls back after one that committed (and flushed the database at its
# end, tests/conftest.py). worksteal let an idle worker take the end of another's share: rolling
# back tests run after its committing ones found the migrations' groups gone (CI, 2026-12-07).
PG_TEST_WORKERS ?= 3

.DEFAULT_GOAL := help
.PHONY: help install run run-scaled serve migrate demo test test-sqlite test-postgres lint lint-api format bench bench-pages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(MO) ## Create .venv and install Tierdesk with its dev tools, compile translations

# The German (and any other) translations, compiled by gettext's msgfmt.
$(MO): %.mo: %.po $(STAMP)
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=bench >/dev/null

migrate: install ## Apply database migrations
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput

demo: migrate ## Load the demo data (idempotent) and print the demo logins
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo

run: demo ## Set up, then serve the app on 127.0.0.1:8000 with its qcluster workers (mails in var/mail/)
	DEBUG=$${DEBUG:-true} EMAIL_URL=$${EMAIL_URL:-filemail://} $(PY) -m helpdesk.serve

run-scaled: install ## PostgreSQL + Redis (started if down), gunicorn -w 2 and 2 qclusters on one address
	.ci/services
	$(PY) -m helpdesk.serve --scaled

serve: install ## Serve without migrating or seeding
	DEBUG=$${DEBUG:-true} $(PY) -m helpdesk.serve

lint: install ## ruff check, format check and the architecture contracts (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

REDOCLY ?= npx --yes @redocly/cli@2.77.0
lint-api: install ## Validate the OpenAPI schema, then lint it with Redocly (needs Node.js; waivers in redocly.yaml)
	mkdir -p var
	DEBUG=true SECRET_KEY=lint-api $(PY) manage.py spectacular --validate --fail-on-warn --file var/schema.yaml
	$(REDOCLY) lint var/schema.yaml --config redocly.yaml

format: install ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint test-sqlite test-postgres ## Lint, then the whole suite on SQLite and on PostgreSQL

test-sqlite: install ## The suite on the embedded default (SQLite)
	env -u DATABASE_URL -u REDIS_URL SECRET_KEY=test-secret DEBUG=false \
		$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist load -q

test-postgres: install ## The suite's database tests on PostgreSQL (skipped with a reason when none is reachable)
	@if $(PY) -m helpdesk.probe postgres "$(PG_TEST_URL)"; then \
		env -u REDIS_URL SECRET_KEY=test-secret DEBUG=false DATABASE_URL=$(PG_TEST_URL) \
			$(VENV)/bin/pytest -n $(PG_TEST_WORKERS) --dist load -q -m "not browser"; \
	else echo "SKIPPED: PostgreSQL suite — no server answers at $(PG_TEST_URL)"; fi

bench: install ## Every benchmark beside django-helpdesk 2.6.1, then one table (bench/results/, docs/benchmarks.md)
	SECRET_KEY=bench DEBUG=false $(PY) bench/engine_throughput.py
	SECRET_KEY=bench DEBUG=false $(PY) bench/create_load.py
	$(PY) bench/create_floor.py
	SECRET_KEY=bench DEBUG=false $(PY) bench/escalation_latency.py
	$(MAKE) bench-pages
	$(PY) bench/summary.py

BENCH_TICKETS ?= 100000
bench-pages: install ## Lists and desk pages at $(BENCH_TICKETS) tickets, against django-helpdesk 2.6.1 (own venv)
	$(PY) bench/desk_pages.py --tickets $(BENCH_TICKETS)

clean: ## Remove the venv, databases and caches
	rm -rf $(VENV) db.sqlite3* db-cache.sqlite3* test-db*.sqlite3* .pytest_cache .ruff_cache
