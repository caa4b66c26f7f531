# genlab: the two commands of the README, and the steps they are made of.
#   make test       set up, lint, unit tests, every notebook in quick mode (on copies)
#   make reproduce  set up, every notebook in full mode in order (outputs saved in place),
#                   then the README's results table from figs/06_comparison/results.json

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
KERNEL := genlab
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0

.PHONY: test reproduce install lint unit smoke benchmarks experiments classifier colab clean

# The environment: Python 3.11 or newer in .venv, with the pinned requirements, and a
# Jupyter kernel named "genlab" that a system Jupyter or VS Code finds by name.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "genlab needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo 'not found'). Install one, or choose it: make PYTHON=python3.12 test"; exit 1; }
	@if [ -e $(VENV) ] && ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  echo "$(VENV) is broken (no working python or pip in it): remove it (rm -rf $(VENV)); on Debian/Ubuntu first install python3-venv (sudo apt install python3-venv)"; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  echo "could not create $(VENV): on Debian/Ubuntu install python3-venv (sudo apt install python3-venv), then rm -rf $(VENV) and rerun"; rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m ipykernel install --user --name $(KERNEL) --display-name "Python (genlab)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

# Point every "Open in Colab" badge and notebook setup cell at a repository.
colab: install
	$(PY) -m genlab.colab $(if $(REPO),--repo $(REPO)) $(if $(BRANCH),--branch $(BRANCH))

lint: install
	$(VENV)/bin/ruff check src tests benchmarks notebooks scripts

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
	$(PY) benchmarks/runner_options.py

# The long experiments of notebooks 04 and 05 (hours on 2 CPU cores; resumable: a rerun
# skips the runs already recorded in experiments/<study>/). One study: make experiments STUDIES=cvae_gan
STUDIES ?= cvae_gan
experiments: install
	for study in $(STUDIES); do $(PY) -m genlab.experiments $$study || exit 1; done

# Retrain the judge classifier behind genlab.metrics (about 8 minutes on 2 CPU cores).
classifier: install
	$(PY) -m genlab.classifier

clean:
	rm -rf build .pytest_cache .ruff_cache
