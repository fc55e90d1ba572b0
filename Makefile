# Two commands for a new user: `make run` (provider + demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROVIDER_ADDR ?= 127.0.0.1:8000
CLIENT_ADDR ?= localhost:8001

.PHONY: install run test lint format demo bench clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate SQLite, create demo data, start the provider (and the demo web client when present)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	@echo "Provider on http://$(PROVIDER_ADDR)/ — press Ctrl-C to stop."
	$(BIN)/python manage.py runserver $(PROVIDER_ADDR)

## test: install, lint, then the whole suite (SQLite unless DATABASE_URL says otherwise)
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
