# Oversight: `make run` sets up and starts the platform; `make test` sets up and runs every test.
# Both work on a fresh machine: they create the virtual environment and install what is locked.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test test-fast lint format assets messages migrate demo clean help

help:
	@echo "make run    install, migrate, load the demo county when empty, serve on http://127.0.0.1:8000"
	@echo "make test   install, then run the whole suite (SQLite, and PostgreSQL where available)"
	@echo "make lint   ruff check and format check"

$(VENV)/.runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(VENV)/.test: requirements-test.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements-test.lock
	touch $@ $(VENV)/.runtime

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The app serves its own copies of HTMX and ECharts; nothing is fetched from a CDN.
oversight/static/vendor/.copied: node_modules/.package-lock.json
	mkdir -p oversight/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js oversight/static/vendor/
	touch $@

assets: oversight/static/vendor/.copied

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@
	@echo "Created var/secret_key (set SECRET_KEY or SECRET_KEY_FILE to use your own)."

run: $(VENV)/.runtime assets var/secret_key
	scripts/ensure-runtime
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput -v1
	$(PY) manage.py ledger_key --ensure
	$(PY) manage.py public_keys --ensure
	$(PY) manage.py demo --if-empty
	$(PY) manage.py serve

test: $(VENV)/.test assets
	scripts/run-tests

test-fast: $(VENV)/.test assets
	$(VENV)/bin/pytest -q -m "not browser and not spark" -x

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Strings are written in English in the code (English needs no catalogue); Simplified Chinese is
# kept complete in oversight/locale/zh_Hans. Translate new entries, then `make messages` again.
messages: $(VENV)/.test
	cd oversight && DJANGO_SETTINGS_MODULE=oversight.test_settings ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete \
	  --ignore 'analytics/engine/*' --ignore 'ledger/tlog/*' --ignore 'lib/*' --ignore '*/tests/*' --ignore conftest.py
	cd oversight && DJANGO_SETTINGS_MODULE=oversight.test_settings ../$(PY) ../manage.py compilemessages -l zh_Hans
	msgfmt --statistics -o /dev/null oversight/locale/zh_Hans/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) node_modules oversight/static/vendor staticfiles
