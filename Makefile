# Two commands for a fresh Debian 12 machine with the Swift toolchain:
#   make demo   installs what is missing, builds, runs a local central system and the charge point
#   make test   installs what is missing and runs every test
# Every install step is idempotent: it only installs what is not there yet.

SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := libmicrohttpd-dev libwebsockets-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev pkg-config \
	binutils openssl chromium chromium-driver busybox prometheus
VENV := .venv
# Only `make bench` needs these (wrk: the REST load; valgrind: the callgrind instruction counts).
BENCH_PACKAGES := wrk valgrind
PYTHON_REQUIREMENTS := Tests/e2e/requirements.txt
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEMO_ID ?= CP001
DEMO_HTTP ?= 127.0.0.1:8080
DEMO_CSMS_PORT ?= 9000
DEMO_CSMS_HTTP ?= 127.0.0.1:9001
DEMO_TAGS ?= TAG1,TAG2,04E91C5A

.PHONY: help demo test build system-packages clean

help:
	@echo "make demo   run the charge point against a local central system (no CitrineOS needed)"
	@echo "make test   run the unit, end-to-end and contract tests"
	@echo "make bench  run the benchmarks: one table, bench/results.json (BENCH_ARGS=--quick or --profile)"

# Debian packages the build and the tests need; apt-get runs only when one is missing.
system-packages:
	@missing=""; \
	for package in $(APT_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: $(PYTHON_REQUIREMENTS)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(PYTHON_REQUIREMENTS)
	touch $@

build: system-packages
	swift build --build-tests

test: system-packages $(VENV)/.installed build
	swift test --skip-build
	$(VENV)/bin/openapi-spec-validator openapi.yaml
	CHARGEPOINT_BIN=$(CURDIR)/.build/debug/chargepoint $(VENV)/bin/pytest -q Tests/e2e

demo: system-packages
	swift build -c release --product chargepoint
	@set -euo pipefail; \
	.build/release/chargepoint csms --listen 127.0.0.1:$(DEMO_CSMS_PORT) --http $(DEMO_CSMS_HTTP) \
		--accept-tags $(DEMO_TAGS) --log-level debug & \
	csms=$$!; trap 'kill $$csms 2>/dev/null' EXIT; \
	echo; \
	echo "  web page        http://$(DEMO_HTTP)/"; \
	echo "  REST API        http://$(DEMO_HTTP)/api/v1/status"; \
	echo "  central system  ws://127.0.0.1:$(DEMO_CSMS_PORT) (accepts $(DEMO_TAGS); every frame is logged below)"; \
	echo "                  its API: curl -X POST http://$(DEMO_CSMS_HTTP)/api/v1/stations/$(DEMO_ID)/call \\"; \
	echo "                           -d '{\"action\":\"RemoteStartTransaction\",\"payload\":{\"idTag\":\"TAG1\"}}'"; \
	echo "  try             curl -X POST http://$(DEMO_HTTP)/api/v1/connectors/1/start -d '{\"idTag\":\"TAG1\"}'"; \
	echo; \
	.build/release/chargepoint serve --id $(DEMO_ID) --csms ws://127.0.0.1:$(DEMO_CSMS_PORT) \
		--http $(DEMO_HTTP) --data-dir data/$(DEMO_ID)

# Benchmarks (bench/README.md): builds the release binary and the C instruments, prints one table and
# writes bench/results.json. BENCH_ARGS=--quick for a short smoke run, --profile for the callgrind profiles only.
.PHONY: bench
bench: system-packages $(VENV)/.installed
	@missing=""; \
	for package in $(BENCH_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf .build $(VENV) data
