# Tempo — the two commands are `make lab` and `make test`; the rest are their parts.
SHELL := /bin/bash
APT_PACKAGES := libzmq3-dev libopenblas-dev libjansson-dev libssl-dev zlib1g-dev pkg-config libxml2-utils bc
VENV := .venv
PYTHON ?= python3
SWIFT_BUILD_FLAGS ?=

.PHONY: setup apt venv build release test test-swift test-python bench docs lab format lint clean

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

$(VENV)/.ready: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

## build: debug build of every target
build: apt
	swift build $(SWIFT_BUILD_FLAGS)

## release: optimized build of the tempo executable
release: apt
	swift build -c release --product tempo

## test: every test there is (Swift tests, then Python-side tests)
test: setup lint
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift test --skip-build --parallel
	$(MAKE) --no-print-directory test-python

test-python: venv release
	TEMPO_BIN=$$(swift build -c release --show-bin-path)/tempo $(VENV)/bin/pytest -q Tests/python

## bench: language benchmarks against CPython on this machine
bench: release
	bench/language/run.sh $$(swift build -c release --show-bin-path)/tempo

## docs: regenerate docs/builtins.md from the builtins' own documentation
docs: release
	$$(swift build -c release --show-bin-path)/tempo docs builtins > docs/builtins.md

## lab: (completed by the kernel issue) build and open JupyterLab on notebooks/
lab: setup release
	@echo "The Jupyter kernel arrives with the next issue; for now run programs with:"
	@echo "  $$(swift build -c release --show-bin-path)/tempo run FILE.tempo"

format:
	swift format --in-place --recursive Sources Tests Package.swift

lint:
	@echo "swift format lint"
	swift format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build $(VENV)
