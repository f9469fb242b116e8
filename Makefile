# Every command a person runs. Each target bootstraps what it needs from
# nothing but python3: a virtual environment in .venv with the course and its
# tested, pinned dependencies (constraints.txt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# Every extra of pyproject.toml: the lessons, the tests, the course site, Dask.
EXTRAS := notebooks,test,site,scale
LAB_ARGS ?=
# Jupyter refuses to run as root (e.g. in a container) unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help install lab test test-lib test-notebooks notebooks notebook sync bench gifs html pins clean

help:
	@echo "make lab         start JupyterLab on notebooks/ (installs the course into .venv first)"
	@echo "make test        gmmlib's tests and every notebook re-executed by nbval"
	@echo "make notebooks   sync every .py/.ipynb pair and re-execute it, storing outputs"
	@echo "make notebook NB=01_em_in_1d   the same for one lesson"
	@echo "make bench       time gmmlib against scikit-learn, and every widget in a browser"
	@echo "make gifs        redraw the README's animated GIFs (images/)"
	@echo "make html        the course as a website, from the committed outputs: build/html/index.html"
	@echo "make pins        refresh constraints.txt from the newest releases"
	@echo "make clean       remove .venv and caches"

# The pip that a distribution's venv brings can be too old to resolve the
# extras under constraints (Debian 12: pip 23.0.1), so the pinned pip comes first.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	@echo
	@echo "JupyterLab is starting on notebooks/. Open the http://localhost:$(PORT)/lab?token=... address"
	@echo "that it prints below (Ctrl-C twice to stop)."
	@echo
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

# Tests and stored outputs use one BLAS thread: the same rounding on every
# machine, and no oversubscription when Dask's workers or a kernel run beside them.
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(STAMP)
	$(ONE_THREAD) $(BIN)/python -m pytest

test-lib: $(STAMP)
	$(ONE_THREAD) $(BIN)/python -m pytest tests

test-notebooks: $(STAMP)
	$(ONE_THREAD) $(BIN)/python -m pytest notebooks

sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/[0-9]*.py

# Re-execute every lesson from its .py source and store the outputs in the
# paired .ipynb (what nbval then compares against); `make notebook NB=02_em_in_2d`
# does one lesson. Every notebook is stored with the python3 kernel named, and
# without widget state: a widget's output carries its own HTML player and picture
# (gmmlib.widgets), which exported pages and JupyterLab show until the cell runs.
NB ?=
define execute_lesson
	echo "== $(1).ipynb"; \
	$(BIN)/jupytext --to ipynb --update --quiet --output $(1).ipynb $(1).py || exit 1; \
	$(BIN)/jupytext --set-kernel python3 --quiet $(1).ipynb || exit 1; \
	$(ONE_THREAD) $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False \
		--ExecutePreprocessor.store_widget_state=False $(1).ipynb || exit 1; \
	$(BIN)/jupytext --update-metadata '{"widgets":null}' --quiet $(1).ipynb || exit 1; \
	$(BIN)/jupytext --sync --quiet $(1).ipynb || exit 1;
endef

notebooks: $(STAMP)
	@for src in notebooks/[0-9]*.py; do $(call execute_lesson,$${src%.py}) done

notebook: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make notebook NB=01_em_in_1d"; exit 2; }
	@src=notebooks/$(basename $(notdir $(NB))); $(call execute_lesson,$$src)

gifs: $(STAMP)
	$(BIN)/python tools/readme_gifs.py

# The course as a static website built from the committed notebooks, outputs
# included (nothing is re-executed); it reads offline from build/html/index.html.
html: $(STAMP)
	$(BIN)/python site/build.py build/html --quiet

# EM against scikit-learn (~1 min), EM as N grows: in memory, chunked, Dask
# (~4 min), and every widget's latency in Chromium (~3 min). One of them:
# make bench BENCH=browser
BENCH ?= bench scale browser
bench: $(STAMP)
	@for b in $(BENCH); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

# Install the newest releases into a scratch environment and record them.
pins:
	rm -rf .pins-venv
	$(PYTHON) -m venv .pins-venv
	.pins-venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	.pins-venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$(EXTRAS)]"
	.pins-venv/bin/python -m pip freeze --all --exclude-editable --disable-pip-version-check \
		| grep -v -e '^-e ' -e '^setuptools==' -e '^wheel==' > constraints.txt
	rm -rf .pins-venv
	@echo "constraints.txt refreshed: run 'make test' and commit it."

clean:
	rm -rf $(VENV) .pins-venv .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
