# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# Two workers (the machines have two cores); a test file stays on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run test install translations messages lint clean chromium audit

run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT) --debug

test: install translations chromium
	$(PY) -m ruff check .
	$(PY) -m bandit -q -r taskforce -ll
	@$(MAKE) --no-print-directory audit
	$(PY) -m pytest $(PYTEST_ARGS)

# Known vulnerabilities of the installed packages, from PyPI's advisory service. An accepted
# one is added as `--ignore-vuln ID` to AUDIT_FLAGS and explained in the README (SECURITY).
# Where the service cannot be reached, warn and go on rather than fail the tests.
AUDIT_FLAGS ?=
audit: install
	@out=$$($(PY) -m pip_audit --skip-editable --progress-spinner off $(AUDIT_FLAGS) 2>&1); \
	status=$$?; \
	if echo "$$out" | grep -qE "Found [0-9]+ known vulnerabilit"; then \
		echo "$$out"; exit 1; \
	elif [ $$status -ne 0 ] || echo "$$out" | grep -q "could not be audited"; then \
		echo "WARNING: pip-audit could not reach PyPI's vulnerability service:" \
			"the dependencies were NOT audited here ($$(echo "$$out" | tail -n 1))."; \
	else \
		echo "pip-audit: no known vulnerability in the installed packages."; \
	fi

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# The browser tests need Debian's Chromium: install it when missing and possible.
chromium:
	@command -v chromium >/dev/null || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "WARNING: Chromium is missing; the browser tests will be skipped")

translations: install
	$(VENV)/bin/pybabel -q compile -d taskforce/translations -D messages

# For developers: pull new texts from the code into the catalogs. Babel skips folders named
# _* unless told which to ignore: templates/_macros holds texts too.
messages: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k N_ --ignore-dirs ".* __pycache__" \
		--no-location -w 100 \
		--sort-output -o taskforce/translations/messages.pot .
	$(VENV)/bin/pybabel -q update -i taskforce/translations/messages.pot \
		-d taskforce/translations -D messages --no-fuzzy-matching -w 100

lint: install
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
