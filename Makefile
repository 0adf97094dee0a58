# Federation Portal: `make run` serves the demo, `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# XStatic-Bootstrap is an sdist whose build needs pkg_resources (setuptools < 81).
# DEBUG is off unless set (settings.py): the development targets turn it on, production (`make serve`,
# ENVIRONMENT=production) never does.
ifneq ($(ENVIRONMENT),production)
export DEBUG ?= 1
endif
# The tests run on two processes (pytest-xdist; the machine has two cores): TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= 2
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)
# The browser tests are a few long ones (the tour): an idle worker takes over what another has not started.
XDIST_E2E := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)
PIP_ENV := PIP_CONSTRAINT=$(CURDIR)/constraints-build.txt PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: install install-runtime run test e2e screenshots lint messages migrate seed clean backup restore serve bench \
	bench-signups

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints-build.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_ENV) $(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Production servers need only the runtime requirements (no test tools).
$(VENV)/.installed-runtime: requirements.txt constraints-build.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_ENV) $(VENV)/bin/pip install -q -r requirements.txt
	touch $@

install-runtime: $(VENV)/.installed-runtime

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "Federation Portal demo: http://127.0.0.1:$(PORT)/"
	@echo "  street-office staff:   staff / Changshou-2026      (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  superuser:             admin / Changshou-2026"
	@echo "  organization admin:    org@changshou.demo / Changshou-2026"
	@echo "  organization editor:   editor@changshou.demo / Changshou-2026"
	@echo "  another organization:  elderly@changshou.demo / Changshou-2026"
	@echo "  reviewers:             reviewer, reviewer2, reviewer3 / Changshou-2026"
	@echo "  assessors (evaluation): assessor, assessor2 / Changshou-2026 (their dossiers: /evaluation/assess/)"
	@echo "  contract evaluator:    evaluator / Changshou-2026   (purchased services: /evaluations/)"
	@echo "  neighbourhood committees: cs01-jwh … cs20-jwh, cs01-jwh-member / Changshou-2026 (portal: /community/)"
	@echo "  incubated team:        team@changshou.demo / Changshou-2026 (its mentor: elderly@changshou.demo)"
	@echo ""
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest -m "not e2e" $(XDIST) $(PYTEST_ARGS)
	@echo "(browser, accessibility and HTML checks: make e2e)"

# The Nu Html Checker for the HTML check (npm package vnu-jar; runs on Java). Its install script is not needed.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: the HTML check will be skipped"; fi

# Browser journeys, axe, HTML validity and phone layout (tests/e2e): need /usr/bin/chromium, a CJK font and java.
e2e: install node_modules/.package-lock.json
	$(PY) -m pytest -m e2e tests/e2e $(XDIST_E2E) $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: no browser/java here, nothing ran

# PNGs of the main pages, desktop and phone, Chinese and English, to docs/screenshots/.
screenshots: install
	$(PY) -m pytest tests/e2e/screenshots.py -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Regenerate and compile the catalogs after changing user-visible strings (needs gettext).
messages: install
	$(PY) manage.py makemessages -l zh_Hans --add-location=file --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

# Back up the database (pg_dump, or SQLite's online backup) and uploaded files into backups/<date-time>/.
backup: install
	$(PY) manage.py backup_data $(if $(BACKUP),--output $(BACKUP))

# Restore one: make restore BACKUP=backups/20261124-220000 (replaces the current data).
restore: install
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/<folder>"; exit 2)
	$(PY) manage.py restore_data $(BACKUP)

clean:
	rm -rf $(VENV) staticfiles node_modules

# Production mode (docs/deploy.md): DEBUG off, settings from the environment (deploy/federation-portal.env.example);
# collects static files, applies migrations, then runs gunicorn with gunicorn.conf.py (127.0.0.1:8000 by default).
serve: export ENVIRONMENT = production
serve: export DEBUG = 0
serve: $(VENV)/.installed-runtime
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (see deploy/federation-portal.env.example)"; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS, e.g. portal.example.cn"; exit 2; }
	$(PY) manage.py collectstatic --noinput -v0
	DB_STATEMENT_TIMEOUT=0 $(PY) manage.py migrate --noinput
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

# Benchmark (docs/performance.md): seeds a PostgreSQL database federation_bench_$(SCALE) at city scale, runs
# gunicorn in production mode on 127.0.0.1:$(BENCH_PORT) and replays realistic traffic with wrk (bench/mix.py:
# the public mix with a cold cache, with sign-ups at 2/s and 10/s, an organization's and the staff's mixes).
# SCALE=full|small|demo; BENCH_ARGS=--variants adds preload/recycling variants, --pages the page-by-page table.
SCALE ?= full
BENCH_PORT ?= 8071
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install wrk)"; exit 2; }
	$(PY) bench/run.py --scale $(SCALE) --port $(BENCH_PORT) $(BENCH_ARGS)

# The sign-ups alone (part of `make bench` too): POSTs with the console and with an SMS provider taking 2 s a
# message, a Celery worker on the bench's Redis. The data size hardly matters here, so the demo by default.
bench-signups: SCALE = demo
bench-signups: install
	$(PY) bench/signups.py --scale $(SCALE) --port $(BENCH_PORT)
