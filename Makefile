# The two commands a newcomer runs: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo test test-fast lint typecheck bench sample docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	@touch $@ $(VENV)/.installed-runtime $(VENV)/.installed-docs

$(VENV)/.installed-docs: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[docs]'
	@touch $@ $(VENV)/.installed-runtime

## demo: build the sample neighbourhood's maps into out/demo and print the index page's path
demo: $(VENV)/.installed-runtime
	$(BIN)/healthy-streets demo --output out/demo --overwrite

# Tests run on two workers (pytest-xdist; the machines have two cores). A module's tests that
# share a module-scoped fixture stay on one worker (tests/conftest.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

## test: lint and type checks, then every test tier (unit, doctests, CLI, real data, notebooks,
## browser, PostGIS, the docs site)
test: $(VENV)/.installed-test lint typecheck
	$(PYTEST)

## test-fast: the default tier only (no real data, no browser, no docs site, no benchmark)
test-fast: $(VENV)/.installed-test
	$(PYTEST) -m "not realdata and not browser and not docs and not bench"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test,bench]'
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed-runtime

## bench: --help timings (median of 5 fresh processes); the meeting map with 100,000 reports
## against folium's MarkerCluster; the county benchmark at each SCALE (default quarter half
## whole; e.g. make bench SCALE=quarter); with HEALTHY_STREETS_POSTGIS_URL set, the PostGIS
## path against the in-memory path on the same counties (without it, the output says they
## were not run); the evaluation's simulation at 500 replicates a
## scenario (7 to 9 minutes on 2 cores) and the hotspots' simulation (about 5 minutes; both skipped
## with SIMULATE=no)
SCALE ?= quarter half whole
SIMULATE ?= yes
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_help.py --out out/bench
	$(BIN)/python benchmarks/bench_map.py --out out/bench
	$(BIN)/python benchmarks/bench_county.py $(foreach s,$(SCALE),--scale $(s)) --out out/bench
	$(BIN)/python benchmarks/bench_county_postgis.py $(foreach s,$(SCALE),--scale $(s)) --out out/bench
	$(if $(filter yes,$(SIMULATE)),$(BIN)/python benchmarks/simulate_evaluation.py --out out/bench)
	$(if $(filter yes,$(SIMULATE)),$(BIN)/python benchmarks/simulate_hotspots.py --out out/bench)

## sample: regenerate data/sample (deterministic: the same bytes every time)
sample: $(VENV)/.installed-runtime
	$(BIN)/healthy-streets sample data/sample --overwrite

## docs: regenerate docs/layers.md, taxonomy.md and scorecard.md from the code, then build the
## documentation site (the README, the guides and the API reference) into out/site, offline,
## with warnings as errors
docs: $(VENV)/.installed-docs
	for page in layers taxonomy scorecard; do \
		$(BIN)/python -m healthy_streets._docs $$page > docs/$$page.md; done
	$(BIN)/python -m sphinx -W --keep-going -q -E -b html -d out/site-doctrees docs out/site
	@echo "$(CURDIR)/out/site/index.html"

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
