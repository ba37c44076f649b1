# Truy Vết: `make run` serves a development site on SQLite, `make test` runs the whole suite.
# Both create the virtualenv in .venv and install what they need on first use.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint format migrate messages demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: requirements.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@ $(VENV)/.installed

## run: install, migrate, load reference data, demo accounts and demo data, rebuild the report counts (again every 5 minutes), serve on http://127.0.0.1:$(PORT) (SQLite)
run: export DEBUG ?= 1
run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) load_places
	$(MANAGE) create_demo_accounts
	$(MANAGE) generate_fleet --if-empty
	$(MANAGE) generate_data --declarations 3000 --if-empty
	$(MANAGE) generate_passages --if-empty
	$(MANAGE) generate_cases --if-empty
	$(MANAGE) rebuild_counts
	@# The report's counts are brought up to date every 5 minutes while the server runs, as
	@# the timer of a real deployment does; the job stops with the server.
	$(MANAGE) rebuild_counts --days 2 --every 300 & $(MANAGE) runserver 127.0.0.1:$(PORT)

## migrate: apply database migrations
migrate: $(VENV)/.installed
	$(MANAGE) migrate --no-input

## test: install the test tools and run every test (SQLite, or DATABASE_URL when set), on every
##   core: PYTEST_ARGS= runs them in one process
PYTEST_ARGS ?= -n auto
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff check and format check
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh locale/vi from the source strings and compile them
messages: $(VENV)/.installed-dev
	DEBUG=1 $(MANAGE) makemessages --locale vi --no-obsolete --add-location file --ignore '$(VENV)/*' --ignore 'bench/*' --ignore 'tests/*'
	DEBUG=1 $(MANAGE) compilemessages --locale vi --ignore '$(VENV)/*'

## bench: measure declarations per second against a bare insert (needs PostgreSQL)
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/declarations.py

## bench-desk: desk search and person page among 1,000,000 declarations against a trivial page
##   (needs PostgreSQL; builds truyvet_bench_desk in minutes: DESK_ARGS="--keep", then "--reuse")
.PHONY: bench-desk
DESK_ARGS ?=
bench-desk: $(VENV)/.installed-dev
	$(BIN)/python bench/desk.py $(DESK_ARGS)

## bench-tracing: contact proposals and the risk list among 1,000,000 declarations against a trivial
##   page (needs PostgreSQL; reuses bench-desk's truyvet_bench_desk: TRACING_ARGS="--reuse --keep")
.PHONY: bench-tracing
TRACING_ARGS ?=
bench-tracing: $(VENV)/.installed-dev
	$(BIN)/python bench/tracing.py $(TRACING_ARGS)

## load: a locust load test among 1,000,000 declarations: citizens, officers, health staff and
##   leaders in a realistic mix, against a trivial page and a bare insert (needs PostgreSQL and
##   Redis; builds truyvet_bench_desk in minutes, then reuses and keeps it: LOAD_ARGS below)
.PHONY: load
LOAD_ARGS ?= --reuse --keep
load: $(VENV)/.installed-bench
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
