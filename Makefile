# Two commands on a fresh machine: `make report` and `make test`. Each bootstraps .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test test-fast lint lab ingest bench notebooks clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lab]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/natospend run all -f default --name default
	$(BIN)/natospend run -f hague_2032 --name hague-2032

test: $(STAMP)
	$(BIN)/python -m pytest

# The edit-run loop: unit tests only (no notebooks, subprocess runs, official workbooks or browser).
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -o addopts="-ra" -m "not slow and not realdata and not browser"

# ruff: lint (pyproject.toml's [tool.ruff.lint]) and formatting, checked, not changed (`ruff format` fixes it).
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks conftest.py
	$(BIN)/ruff format --check src tests benchmarks conftest.py

# JupyterLab on the notebooks, as a researcher starts it (--allow-root only when running as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --ServerApp.default_url=/lab/tree/notebooks $(ROOT_FLAG)

# Re-make data/processed/ from the official workbooks (NATOSPEND_RAW_DIR or RAW=...).
RAW ?= $(NATOSPEND_RAW_DIR)
ingest: $(STAMP)
	$(BIN)/natospend ingest --raw-dir $(RAW)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py

clean-venv:
	rm -rf $(VENV)

# Re-execute the notebooks with their default parameters and store the outputs nbval checks.
notebooks: $(STAMP)
	$(BIN)/python -m natospend.reports.store_outputs
