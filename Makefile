# Development and CI entry points. `make run` and `make test` work from a fresh clone.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Development mode unless the caller says otherwise (production sets DEBUG=false itself).
export DEBUG ?= true

.PHONY: run test install compilemessages messages lint check-migrations check-deploy fixtures npm \
	backup restore

$(VENV)/.installed: pyproject.toml
	tools/system_deps.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

# axe-core for the accessibility tests (tests/e2e/test_accessibility.py), as package-lock.json
# pins it. Node and npm come from Debian (tools/system_deps.sh).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	tools/system_deps.sh
	npm ci --no-audit --no-fund
	touch $@

npm: node_modules/axe-core/axe.min.js

compilemessages: install
	$(PY) manage.py compilemessages --ignore=.venv -v0

# Refresh the Dutch catalog from the code after adding user-facing strings.
messages: install
	$(PY) manage.py makemessages -l nl --ignore=.venv --ignore=staticfiles --no-obsolete -v0
	$(PY) manage.py compilemessages --ignore=.venv -v0

run: compilemessages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py laad_demo
	# Links in e-mails point at this server, whatever PORT it runs on (unless SITE_URL is set).
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: compilemessages node_modules/axe-core/axe.min.js
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	# The apps import one way (pyproject.toml, [tool.importlinter]).
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: install
	DEBUG=false SECRET_KEY=ci-check-deploy-$$(date +%s)-a-long-random-value-for-the-check ALLOWED_HOSTS=plan.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

# Regenerate fixtures/beleidsplan.json from the seed's nota (docs/seed-import.md).
fixtures: install
	tools/make_fixtures.sh

# The database (pg_dump) and the attachments (MEDIA_ROOT) in one dated archive in
# $(BACKUP_DIR), and back (README, "Backup and restore"). PostgreSQL only.
BACKUP_DIR ?= backups

backup: install
	$(PY) manage.py maak_backup --map $(BACKUP_DIR)

# make restore FILE=backups/cultuurregio-backup-....tar [OVERWRITE=1]
restore: install
	@test -n "$(FILE)" || { echo "Give the archive: make restore FILE=backups/cultuurregio-backup-....tar" >&2; exit 2; }
	$(PY) manage.py herstel_backup "$(FILE)" $(if $(OVERWRITE),--overschrijven)
