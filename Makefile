# Newsroom: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# axe-core for the browser tests' accessibility checks and vnu-jar (the Nu Html
# Checker) for the HTML validity test, pinned in package-lock.json. No install
# scripts: vnu-jar's would try to download a Java runtime, and the jar needs none
# of it (Java comes from the system). Without npm the install still succeeds;
# those checks then skip (and fail under CI=true).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NODE_STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies (and axe-core when npm is present)
	@if command -v npm >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(NODE_STAMP); \
	else \
	  echo "npm not found: skipping axe-core and vnu-jar (their checks will skip)"; \
	fi

# Development settings for every manage.py command typed after `make run`
# (newsroom/settings.py reads .env; the environment wins). Never overwritten.
.env:
	@printf '%s\n' \
	  '# Development settings, written by `make run` (git-ignored).' \
	  '# newsroom/settings.py reads them; variables in the environment win.' \
	  'DEBUG=1' >$@
	@echo "Wrote .env (DEBUG=1): manage.py commands now use the development settings"

# The background worker (README, "Background jobs") runs beside runserver, in
# the same process group: Ctrl-C (or CI's TERM to the group) reaches both, and
# the shell only waits for the worker to finish the job in hand; if runserver
# stops by itself (e.g. the port is taken), the shell stops the worker. No
# autoreload for the worker: Django's reloader turns SIGTERM into an exit in
# the middle of a job, and outlives a worker thread that died on an error (a
# worker that looks alive and runs nothing). Restart make run after changing
# a job's code.
run: install .env ## Serve the site with demo content on http://$(HOST):$(PORT), with the background worker
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Background jobs: manage.py db_worker runs beside the server (no autoreload: restart make run after changing a job); Ctrl-C stops both"
	@DEBUG=1 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	  trap 'wait $$worker; exit 130' INT; trap 'wait $$worker; exit 143' TERM; \
	  DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT); status=$$?; \
	  kill -TERM $$worker 2>/dev/null; wait $$worker; exit $$status

demo-data: install .env ## Load the demo content (idempotent)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo

test: install ## Run the test suite (SQLite, or DATABASE_URL when set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: install ## Run only the browser tests (needs /usr/bin/chromium)
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: install ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install ## Fail if a model change lacks a migration
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

load-test: install ## Bounded loopback load test: 2,000 mixed requests, 50 clients
	$(BIN)/python bench/load_mixed.py --requests 2000 --concurrency 50

bench: install ## Benchmark: bare view, pages uncached/cached/nginx (BENCH_DATABASE_URL)
	@command -v wrk >/dev/null && command -v nginx >/dev/null || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk nginx; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

check-deploy: install ## Django's deployment checks with production settings
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	  ALLOWED_HOSTS=newsroom.example $(BIN)/python manage.py check --deploy --fail-level WARNING

lighthouse: install ## Lighthouse (mobile) on home and the reference article, gunicorn + production settings; JSON in bench/results/
	$(BIN)/python bench/lighthouse.py

backup: ## Back up PostgreSQL (DATABASE_URL) and MEDIA_ROOT into BACKUP_DIR (deploy/backup.sh)
	BACKUP_DIR=$${BACKUP_DIR:-backups} deploy/backup.sh

check: install ## Django's system checks
	DEBUG=1 $(BIN)/python manage.py check

.PHONY: help install run demo-data test test-browser lint format migrations-check check check-deploy load-test lighthouse bench backup
