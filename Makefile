# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations messages lint clean

run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT) --debug

test: install translations
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

translations: install
	$(VENV)/bin/pybabel -q compile -d taskforce/translations -D messages

# For developers: pull new texts from the code into the catalogs.
messages: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k N_ --no-location \
		--sort-output -o taskforce/translations/messages.pot .
	$(VENV)/bin/pybabel -q update -i taskforce/translations/messages.pot \
		-d taskforce/translations -D messages --no-fuzzy-matching

lint: install
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
