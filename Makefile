# Two commands for a new user: `make run` (provider + demo web client + demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROVIDER_ADDR ?= 127.0.0.1:8000
CLIENT_ADDR ?= localhost:8001

.PHONY: install run test lint format demo bench docs clean

# Production's pins, plus the demo clients' (make run, make demo) and the tests' and tools' (make test, make bench).
REQUIREMENTS := requirements.txt requirements/demo.txt requirements/dev.txt

# The stamp is older than any requirements file that changed since, so the next make installs again.
$(STAMP): $(REQUIREMENTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(addprefix -r ,$(REQUIREMENTS))
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate SQLite, create demo data, start the demo web client (background) and the provider
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo --provider-url http://$(PROVIDER_ADDR) --client-url http://$(CLIENT_ADDR)
	@# One shell: the web client runs in the background and the trap stops it when the provider stops (Ctrl-C).
	@$(BIN)/python -m demo.webclient runserver $(CLIENT_ADDR) --noreload & client_pid=$$!; \
	trap 'kill $$client_pid 2>/dev/null' EXIT INT TERM; \
	echo ""; \
	echo "  Provider:    http://$(PROVIDER_ADDR)/   (admin: http://$(PROVIDER_ADDR)/admin/, admin / admin-demo-password)"; \
	echo "  Web client:  http://$(CLIENT_ADDR)/   (log in as alice / alice-demo-password or bob / bob-demo-password)"; \
	echo "  Client secrets: printed above and saved in .keys/demo-credentials.json"; \
	echo "  Narrated demo of every grant: make demo (in another terminal).  Ctrl-C stops both servers."; \
	echo ""; \
	OAUTH_DEVICE_VERIFICATION_URI=http://$(PROVIDER_ADDR)/o/device/ $(BIN)/python manage.py runserver $(PROVIDER_ADDR)

## demo: a scripted client narrating every grant against the provider (starts one itself if none is running)
demo: install
	$(BIN)/python -m demo.narrated_flow --provider-url http://$(PROVIDER_ADDR)

## test: install, lint, then the whole suite (SQLite unless DATABASE_URL says otherwise)
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## bench: wrk load test of the provider against its DOT-defaults baseline, one core each (DB=postgres|sqlite)
DB ?= postgres
bench: install
	$(BIN)/python -m bench --db $(DB)

## lint: ruff check and ruff format --check, as CI runs them
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## format: let ruff fix what it can and reformat the code
format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## docs: build the documentation site (docs/) with strict checks, then serve it at http://127.0.0.1:8002/
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

## clean: remove the virtualenv, the SQLite database, collected static files, the built docs and tool caches
clean:
	rm -rf $(VENV) db.sqlite3 staticfiles site .pytest_cache .ruff_cache

# Plain `make` lists the targets instead of installing: a new reader learns what there is before anything runs.
.DEFAULT_GOAL := help
.PHONY: help
## help: list these targets (the `## target: what it does` lines of this Makefile)
help:
	@echo "Targets (make <target>):"
	@awk '/^## [a-z-]+: / { sub(/^## /, ""); name = $$0; sub(/:.*/, "", name); sub(/^[^:]*: /, ""); printf "  %-8s %s\n", name, $$0 }' $(MAKEFILE_LIST)
