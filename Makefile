# lamina: `make demo` trains the MNIST MLP, `make test` runs the tests.
# Both create .venv when missing and install the CPU build of torch first
# (a bare `torch` requirement would pull a multi-GB CUDA build).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.lamina-installed

.PHONY: demo test test-all bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/mnist_mlp.py

test: $(STAMP)
	$(PY) -m pytest -q tests

test-all: $(STAMP)
	$(PY) -m pytest -q -m "slow or not slow" tests

bench: $(STAMP)
	$(PY) benchmarks/bench_mlp.py
	$(PY) benchmarks/bench_convnet.py
	$(PY) benchmarks/bench_lstm.py
	$(PY) benchmarks/bench_compile.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
