# Cabas — `make run` for a demo, `make test` for everything.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
STAMP := $(VENV)/.installed

.PHONY: install run test lint test-sqlite test-postgres smoke lock messages clean

install: $(STAMP) cabas/web/static/vendor/.built var/.migrated

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

cabas/web/static/vendor/.built: package.json package-lock.json scripts/build-assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run -s build
	@touch $@

var/.migrated: $(STAMP) $(wildcard cabas/*/migrations/*.py)
	@mkdir -p var/static var/media
	$(PY) manage.py migrate --noinput -v0
	@touch $@

# The task worker (emails) runs beside the web server and stops with it.
run: install
	$(PY) manage.py load_demo
	@echo "Cabas: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server and the task worker)"
	@$(PY) manage.py run_tasks & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(wildcard cabas/*/services.py cabas/*/selectors.py cabas/*/*_selectors.py cabas/*/*/services.py cabas/*/*/selectors.py)
	$(PY) manage.py makemigrations --check --dry-run -v0

test-sqlite: install
	$(VENV)/bin/pytest -q

# PostgreSQL: DATABASE_URL when it names one, else the local server if it answers.
# In CI a missing PostgreSQL is a failure, never a skip.
test-postgres: install
	@url="$${DATABASE_URL:-}"; \
	if [[ "$$url" != postgres* ]]; then url="$(PG_URL)"; fi; \
	if $(PY) scripts/db_answers.py "$$url"; then \
	  echo "== pytest on PostgreSQL ($$url)"; \
	  DATABASE_URL="$$url" $(VENV)/bin/pytest -q; \
	elif [ -n "$${CI:-}" ]; then \
	  echo "PostgreSQL does not answer at $$url: CI needs it." >&2; exit 1; \
	else \
	  echo "== PostgreSQL does not answer at $$url: suite not run on PostgreSQL."; \
	fi

# The two databases' runs go side by side (each is mostly one busy core: 2 cores hold
# both); their logs are printed whole, one after the other, and either failing fails.
# SERIAL=1 runs them one after the other instead.
test: install lint
	@if [ -n "$${SERIAL:-}" ]; then \
	  echo "== pytest on SQLite" && env -u DATABASE_URL $(MAKE) --no-print-directory test-sqlite && \
	  $(MAKE) --no-print-directory test-postgres; \
	else \
	  mkdir -p var; echo "== pytest on SQLite and on PostgreSQL, side by side"; \
	  ( env -u DATABASE_URL $(MAKE) --no-print-directory test-sqlite >var/test-sqlite.log 2>&1 ) & lite=$$!; \
	  $(MAKE) --no-print-directory test-postgres >var/test-postgres.log 2>&1; pg=$$?; \
	  wait $$lite; sq=$$?; \
	  echo "== pytest on SQLite (exit $$sq)"; cat var/test-sqlite.log; \
	  echo "== pytest on PostgreSQL (exit $$pg)"; cat var/test-postgres.log; \
	  test $$sq -eq 0 && test $$pg -eq 0; \
	fi
	$(MAKE) --no-print-directory smoke

# The production stack on loopback (deploy/smoke.py): PostgreSQL, two gunicorn behind
# nginx, Redis sessions, the task worker, a shopper journey; then a private primary and
# its streaming replica (deploy/replica.py). Needs nginx and the PostgreSQL server binaries.
smoke: install
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then \
	  if $(PY) scripts/db_answers.py "$(PG_URL)"; then \
	    echo "== smoke test of the production stack" && $(PY) deploy/smoke.py --url "$(PG_URL)" && \
	    echo "== primary + streaming replica, read-your-writes" && $(PY) deploy/replica.py; \
	  elif [ -n "$${CI:-}" ]; then echo "smoke: PostgreSQL does not answer" >&2; exit 1; \
	  else echo "== smoke: PostgreSQL does not answer, skipped"; fi; \
	elif [ -n "$${CI:-}" ]; then echo "smoke: nginx is missing: CI needs it" >&2; exit 1; \
	else echo "== smoke: nginx is not installed (apt-get install nginx), skipped"; fi

lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

messages: $(STAMP)
	cd cabas && ../$(PY) ../manage.py makemessages -l en --no-obsolete --ignore='api/*'
	cd cabas && ../$(PY) ../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) node_modules var cabas/web/static/vendor
