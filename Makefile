# genlab: the two commands of the README, and the steps they are made of.
#   make test       set up, lint, unit tests, every notebook in quick mode (on copies)
#   make reproduce  set up, every notebook in full mode in order (outputs saved in place),
#                   then the README's results table from figs/06_comparison/results.json

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

.PHONY: test reproduce install lint unit smoke benchmarks classifier clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check src tests benchmarks notebooks

unit: install
	$(PY) -m pytest -m "not notebooks"

smoke: install
	$(PY) -m genlab.notebooks quick

test: lint
	$(PY) -m pytest

reproduce: install
	$(PY) -m genlab.notebooks full
	$(PY) -m genlab.report

benchmarks: install
	$(PY) benchmarks/manifold_decode.py
	$(PY) benchmarks/metrics_speed.py
	$(PY) benchmarks/train_throughput.py
	$(PY) benchmarks/time_to_quality.py
	$(PY) benchmarks/cvae_gan_knobs.py

# Retrain the judge classifier behind genlab.metrics (about 8 minutes on 2 CPU cores).
classifier: install
	$(PY) -m genlab.classifier

clean:
	rm -rf build .pytest_cache .ruff_cache
