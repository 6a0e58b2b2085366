# Everyday commands. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 5000

.PHONY: install demo test test-sqlite test-postgres lint translations bench clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,server]'
	touch $(STAMP)

# Installs the project (compiling the translations) into .venv.
install: $(STAMP)
	$(BIN)/python scripts/compile_translations.py

# Loads the demo data into a SQLite file and serves it on http://127.0.0.1:$(PORT)/.
demo: install
	MEETINGS_ENV=development DATABASE_URL=sqlite:///$(CURDIR)/instance/demo.sqlite3 \
	  $(BIN)/flask --app wsgi meetings demo --serve --port $(PORT)

# The whole suite: unit, integration and browser tests, on SQLite
# (on PostgreSQL when MEETINGS_TEST_DATABASE_URL is set). PYTEST_ARGS passes options to pytest.
test: install
	scripts/ensure_chromium.sh
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Extracts messages from the code and updates the sv and en catalogues.
translations: install
	$(BIN)/python scripts/update_catalogues.py

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
