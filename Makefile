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
	@touch $@ $(VENV)/.installed-runtime

## demo: build the sample neighbourhood's maps into out/demo and print the index page's path
demo: $(VENV)/.installed-runtime
	$(BIN)/healthy-streets demo --output out/demo --overwrite

## test: lint and type checks, then every test tier (unit, CLI, real data, notebooks, browser)
test: $(VENV)/.installed-test lint typecheck
	$(BIN)/python -m pytest

## test-fast: the default tier only (no real data, no browser)
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not realdata and not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test,bench]'
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed-runtime

## bench: the meeting map with 100,000 reports against folium's MarkerCluster, then the
## county benchmark at each SCALE (default quarter half whole; e.g. make bench SCALE=quarter)
SCALE ?= quarter half whole
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_map.py --out out/bench
	$(BIN)/python benchmarks/bench_county.py $(foreach s,$(SCALE),--scale $(s)) --out out/bench

## sample: regenerate data/sample (deterministic: the same bytes every time)
sample: $(VENV)/.installed-runtime
	$(BIN)/healthy-streets sample data/sample --overwrite

## docs: regenerate docs/layers.md, taxonomy.md and scorecard.md from the code
docs: $(VENV)/.installed-runtime
	for page in layers taxonomy scorecard; do \
		$(BIN)/python -m healthy_streets._docs $$page > docs/$$page.md; done

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
