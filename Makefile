# Two commands for a fresh Debian 12 machine with the Swift toolchain:
#   make demo   installs what is missing, builds, runs a local central system and the charge point
#               (OCPP=2.0.1: the charge point speaks 2.0.1, and so does the central system with it)
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
# The version the demo's charge point speaks; the central system speaks whichever it offers.
OCPP ?= 1.6
# A 2.0.1 station keeps its own store: a data directory holds a charge point of one version.
DEMO_DATA_DIR = data/$(DEMO_ID)$(if $(filter 1.6,$(OCPP)),,-ocpp$(OCPP))
# What the demo suggests per version: a CALL through the central system's API, and a request to the charge point's.
DEMO_CALL_1.6 = {\"action\":\"RemoteStartTransaction\",\"payload\":{\"idTag\":\"TAG1\"}}
DEMO_TRY_1.6 = curl -X POST http://$(DEMO_HTTP)/api/v1/connectors/1/start -d '{\"idTag\":\"TAG1\"}'
DEMO_CALL_2.0.1 = {\"action\":\"GetVariables\",\"payload\":{\"getVariableData\":[{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"HeartbeatInterval\"}}]}}
DEMO_TRY_2.0.1 = $(DEMO_TRY_1.6)

# `make install` and `make release` (README, "Install as a service"). DESTDIR is prepended to every
# installed path (for packaging); BINARY is the executable to ship: by default the release build, made
# with the Swift runtime linked in as the image does, so it runs on a Debian 12 without Swift. The web
# page and openapi.yaml are built into the binary (Plugins/EmbedFiles), so no page is installed;
# openapi.yaml goes with the docs, for reading and generating clients without a running service.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
DOCDIR ?= $(DATADIR)/doc/chargepoint
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
RELEASE_BINARY := .build/release/chargepoint
# Every release build links the Swift runtime statically: what ships is what the demo and the bench run,
# and it starts faster and keeps less resident than one that loads the runtime's shared libraries.
RELEASE_BUILD := swift build -c release --static-swift-stdlib --product chargepoint
BINARY ?= $(RELEASE_BINARY)
DIST ?= dist
# The release binary is a file target, remade only when a source is newer, so that `sudo make install`
# after a build as yourself does not build again as root; it is a prerequisite only when it is shipped.
SWIFT_SOURCES := $(shell find Sources Plugins Web -type f) Package.swift Package.resolved openapi.yaml
SHIP_BUILD := $(if $(filter $(RELEASE_BINARY),$(BINARY)),$(RELEASE_BINARY))
# The unit with its paths filled in.
RENDER_UNIT = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
	-e 's|@UNITDIR@|$(UNITDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' deploy/chargepoint.service

.PHONY: help demo test build system-packages clean install release release-binary

help:
	@echo "make demo   run the charge point against a local central system (no CitrineOS needed; OCPP=2.0.1 for 2.0.1)"
	@echo "make test   run the unit, end-to-end and contract tests"
	@echo "make bench  run the benchmarks: one table, bench/results.json (BENCH_ARGS=--quick or --profile)"
	@echo "make install   install the binary, docs, systemd unit and settings file (PREFIX=/usr/local, DESTDIR)"
	@echo "make release   build $(DIST)/chargepoint-<version>-linux-<arch>.tar.gz and its .sha256"

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
	CHARGEPOINT_BIN=$(CURDIR)/.build/debug/chargepoint $(VENV)/bin/pytest -q -n 2 --dist loadfile Tests/e2e

demo: system-packages
	$(RELEASE_BUILD)
	@set -euo pipefail; \
	.build/release/chargepoint csms --listen 127.0.0.1:$(DEMO_CSMS_PORT) --http $(DEMO_CSMS_HTTP) \
		--accept-tags $(DEMO_TAGS) --log-level debug & \
	csms=$$!; trap 'kill $$csms 2>/dev/null' EXIT; \
	echo; \
	echo "  web page        http://$(DEMO_HTTP)/"; \
	echo "  REST API        http://$(DEMO_HTTP)/api/v1/status"; \
	echo "  central system  ws://127.0.0.1:$(DEMO_CSMS_PORT) (accepts $(DEMO_TAGS); every frame is logged below)"; \
	echo "                  its API: curl -X POST http://$(DEMO_CSMS_HTTP)/api/v1/stations/$(DEMO_ID)/call \\"; \
	echo "                           -d '$(DEMO_CALL_$(OCPP))'"; \
	echo "  try             $(DEMO_TRY_$(OCPP))"; \
	echo; \
	.build/release/chargepoint serve --id $(DEMO_ID) --csms ws://127.0.0.1:$(DEMO_CSMS_PORT) \
		--http $(DEMO_HTTP) --data-dir $(DEMO_DATA_DIR) --ocpp $(OCPP)

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

release-binary: $(RELEASE_BINARY)

$(RELEASE_BINARY): $(SWIFT_SOURCES) | system-packages
	$(RELEASE_BUILD)
	touch $@

# The settings file is written only when missing: a reinstall keeps the operator's settings.
install: $(SHIP_BUILD)
	install -D -m 0755 $(BINARY) $(DESTDIR)$(BINDIR)/chargepoint
	install -d -m 0755 $(DESTDIR)$(DOCDIR)
	install -m 0644 README.md CHANGELOG.md LICENSE openapi.yaml $(DESTDIR)$(DOCDIR)/
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	$(RENDER_UNIT) > $(DESTDIR)$(UNITDIR)/chargepoint.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/chargepoint.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/chargepoint
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/chargepoint/chargepoint.env ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/chargepoint/chargepoint.env (the new template: deploy/chargepoint.env)"; \
	else \
		install -m 0600 deploy/chargepoint.env $(DESTDIR)$(SYSCONFDIR)/chargepoint/chargepoint.env; \
	fi
	@echo "installed; next: sudo systemctl daemon-reload && sudo systemctl enable --now chargepoint"

# The version is the program's own (`chargepoint --version`). An archive from any commit but the tag
# v<version> carries the commit too (0.1.0+g1a2b3c4, +dirty with uncommitted changes), so it can never
# pass for the release. Files in the archive are in name order, owned by root, dated by the last commit.
release: $(SHIP_BUILD)
	@set -euo pipefail; \
	version=$$($(BINARY) --version); \
	if ! git describe --tags --exact-match --match "v$$version" >/dev/null 2>&1 || [ -n "$$(git status --porcelain)" ]; then \
		version="$$version+g$$(git describe --always --dirty --abbrev=7 --exclude '*')"; \
	fi; \
	name=chargepoint-$$version-linux-$$(uname -m); \
	stage=$$(mktemp -d); trap 'rm -rf "$$stage"' EXIT; \
	mkdir "$$stage/$$name"; \
	install -m 0755 $(BINARY) "$$stage/$$name/chargepoint"; \
	install -m 0644 openapi.yaml deploy/chargepoint.env LICENSE README.md CHANGELOG.md "$$stage/$$name/"; \
	$(RENDER_UNIT) > "$$stage/$$name/chargepoint.service"; \
	mkdir -p $(DIST); \
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$$(git log -1 --format=%ct) \
		-C "$$stage" -czf $(DIST)/$$name.tar.gz $$name; \
	(cd $(DIST) && sha256sum $$name.tar.gz > $$name.tar.gz.sha256); \
	echo "$(DIST)/$$name.tar.gz"

clean:
	rm -rf .build $(VENV) data $(DIST)
