# landsim: every target sets up .venv itself, so each works on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NBVAL  := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# JupyterLab refuses to start as root without this flag (containers, CI machines)
LAB_FLAGS := --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help setup lab app demo test lint unit check nbval e2e notebooks bench stress sample clean

help:
	@echo "make lab    - set up .venv and open JupyterLab on notebooks/ (sample county)"
	@echo "make app    - set up .venv, serve the notebooks as a Voila web app (landing page index.ipynb)"
	@echo "make demo   - set up .venv, execute every notebook headless, write HTML to build/"
	@echo "make test   - set up .venv, run ruff, pytest, landsim check, nbval and browser tests"
	@echo "make check  - landsim check on the sample county and on generated counties (seeds 20-39)"
	@echo "make bench  - run every benchmark, one table in build/bench/bench.md (and .csv)"
	@echo "make sample - regenerate src/landsim/data/sample_county/ from the seeded generator"
	@echo "make notebooks - re-execute notebooks in place (stored outputs for nbval)"

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "landsim needs Python >= 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[notebooks,dev]"
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

# voila.json (read from this folder): idle kernels culled after 10 min, 5 min per cell at
# most, and the kernel client that cannot miss a reply (landsim.execution).
app: $(STAMP)
	@echo "首页 landing page: http://127.0.0.1:8866/voila/render/index.ipynb"
	$(BIN)/voila notebooks/ --Voila.ip=127.0.0.1 --no-browser

demo: $(STAMP)
	$(BIN)/python tools/demo.py --out build $(NOTEBOOKS)
	$(BIN)/landsim info

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks benchmarks tools

unit: $(STAMP)
	$(BIN)/pytest --doctest-modules -m "not e2e" src/landsim tests

# The same quantity through every module's path, on the sample and on generated counties.
check: $(STAMP)
	$(BIN)/landsim check
	$(BIN)/landsim check --seeds 20-39 --parcels 600

# Real-browser tests: Voila on a free local port driven by Debian's chromium via Playwright
# (skipped when chromium is missing, except under CI=true; .ci/run installs it).
e2e: $(STAMP)
	$(BIN)/pytest -m e2e tests/e2e

nbval: $(STAMP)
	$(BIN)/pytest $(NBVAL) notebooks

test: lint unit check nbval e2e

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

# Every benchmarks/bench_*.py with quick arguments, one table with the machine's description
# in build/bench/bench.md and bench.csv (benchmarks/run_all.py; about 10 min on 2 cores).
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --out build/bench

# Execute every notebook 20 times in a row and count stalls (issue 18; about an hour).
stress: $(STAMP)
	$(BIN)/python benchmarks/stress_execute.py --runs 20 $(NOTEBOOKS)

sample: $(STAMP)
	$(BIN)/landsim sample --sandiao --out src/landsim/data/sample_county

clean:
	rm -rf $(VENV) build .pytest_cache
