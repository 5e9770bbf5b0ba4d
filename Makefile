# careerpath: the single entry point. `make run` serves the app; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run worker test setup migrate content check-content admin lint format check-migrations pytest e2e clean npm serve-prod faults image-test

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

content: migrate
	$(BIN)/python manage.py import_roles content/roles/*.yaml

## The content rules of docs/content.md over content/roles/*.yaml (imported in a transaction rolled back).
check-content: migrate
	$(BIN)/python manage.py check_content

## Serve on 127.0.0.1:$(PORT) with the shipped role guides loaded (safe to run again), one task
## worker beside it (it sends the mail) and the notices scan every 5 minutes (what cron does in
## production). Ctrl-C stops all three: the worker and the scan loop run in their own process
## groups (set -m), so the worker gets one SIGTERM from the trap and finishes the task it is running.
run: content
	@set -m; $(BIN)/python manage.py task_worker --queue-name '*' --no-reload & worker=$$!; \
	(while :; do $(BIN)/python manage.py notices_scan >/dev/null; sleep 300; done) & scan=$$!; \
	trap 'kill -TERM -$$scan 2>/dev/null; kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null; echo "worker and scan stopped"' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## A task worker alone (production runs one or more beside gunicorn; docs/deploy.md).
worker: migrate
	$(BIN)/python manage.py task_worker --queue-name '*' --no-reload

## Create an administrator account (asks for a username and password; none exists by default).
admin: migrate
	$(BIN)/python manage.py createsuperuser

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

npm:
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: browser accessibility checks will say so"; fi

pytest: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Lint, migration check, the content rules and the whole test suite (PostgreSQL when DATABASE_URL points to one, SQLite otherwise).
test: setup npm lint check-migrations migrate
	$(BIN)/python manage.py check
	$(BIN)/python manage.py check_content
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Production-style server (gunicorn); needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DJANGO_DEBUG=0.
## Trusts no forwarder header (SCRIPT_NAME, X-Forwarded-*) unless FORWARDED_ALLOW_IPS names the proxy.
FORWARDED_ALLOW_IPS ?=
serve-prod: content
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn careerpath.wsgi --bind 127.0.0.1:$(PORT) --workers 3 --no-control-socket \
		--forwarded-allow-ips "$(FORWARDED_ALLOW_IPS)"

## Fault test: Redis stopped, PostgreSQL restarted, a worker killed, under load (docs/reliability.md).
faults: setup
	$(BIN)/python bench/faults.py

## Build the image and compose stack with podman and walk a member's journey through it (.ci/image-test).
image-test:
	.ci/image-test

clean:
	rm -rf $(VENV) staticfiles node_modules .pytest_cache .ruff_cache
