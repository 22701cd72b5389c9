"""Fixtures for the end-to-end tests: a strict CSMS per test and a factory for real
`chargepoint` processes. On failure the report gets the charge point's log and the
frame log, because an e2e failure is rarely understandable from the assertion alone."""

from __future__ import annotations

import logging
import ssl
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from csms import CentralSystem, Settings
from fileserver import running_file_server
from harness import ChargePointProcess
from pki import Pki

ACCEPTED_TAGS = {"TAG1", "TAG2", "TAG3"}
BLOCKED_TAGS = {"BLOCKED1"}
CSMS_HEARTBEAT_INTERVAL = 45  # not a likely built-in default, so /status proves it came from the CSMS

# The library logs a traceback for every CALLERROR it sends; our violations already say it.
logging.getLogger("ocpp").setLevel(logging.CRITICAL)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach diagnostics of every fixture that offers them to a failed setup or call."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        for name, value in getattr(item, "funcargs", {}).items():
            diagnostics = getattr(value, "diagnostics", None)
            if callable(diagnostics):
                report.sections.append((f"diagnostics: {name}", diagnostics()))


class CsmsUnderTest(CentralSystem):
    """CentralSystem plus the failure diagnostics hook used by pytest_runtest_makereport."""

    def diagnostics(self) -> str:
        violations = "\n".join(self.violations) or "(none)"
        return f"violations:\n{violations}\n\nframes (newest last):\n{self.dump()}"

    def assert_no_violations(self) -> None:
        violations = self.violations
        if violations:
            pytest.fail(f"the charge point broke OCPP {self.settings.ocpp_version} rules:\n" + "\n".join(violations),
                        pytrace=False)


@contextmanager
def running_csms(tls: ssl.SSLContext | None = None, **settings):
    """A started CSMS on a free port that fails the test at teardown on any recorded violation;
    `tls` makes it wss:// (csms.server_tls), `settings` override Settings members."""
    csms = CsmsUnderTest(settings=Settings(**{
        "accept_tags": set(ACCEPTED_TAGS), "blocked_tags": set(BLOCKED_TAGS),
        "heartbeat_interval": CSMS_HEARTBEAT_INTERVAL, **settings}), tls=tls).start()
    try:
        yield csms
    finally:
        csms.shutdown()
    csms.assert_no_violations()


class ChargePointFactory:
    """Starts charge points for one test (or module) and always cleans them up."""

    def __init__(self, csms: CentralSystem, directory: Path):
        self.csms = csms
        self.directory = directory
        self.started: list[ChargePointProcess] = []

    def __call__(self, csms: CentralSystem | None = None, *, connectors: int = 2,
                 ocpp_config: dict[str, str] | None = None, registered: bool = True,
                 args: list[str] | tuple[str, ...] = (), env: dict[str, str] | None = None,
                 csms_url: str | None = None, identity: str | None = None,
                 cwd: Path | None = None) -> ChargePointProcess:
        """Start one charge point; with registered=True also wait for boot Accepted and the
        initial StatusNotifications, which is where almost every test begins. `args`, `env`,
        `csms_url`, `identity` and `cwd` go to ChargePointProcess (extra flags, extra variables,
        another --csms, a chosen identity, the working directory)."""
        process = ChargePointProcess(csms or self.csms, self.directory, connectors, ocpp_config,
                                     args=args, env=env, csms_url=csms_url, identity=identity, cwd=cwd)
        self.started.append(process)
        process.start()
        if registered:
            process.wait_registered()
        return process

    def diagnostics(self) -> str:
        return "\n\n".join(f"--- chargepoint {p.identity} log (tail) ---\n{p.log_tail()}"
                           for p in self.started) or "(no chargepoint started)"

    def cleanup(self) -> None:
        for process in self.started:
            process.terminate(timeout=5)


@pytest.fixture
def csms():
    with running_csms() as csms:
        yield csms


@pytest.fixture
def chargepoint(csms, tmp_path):
    factory = ChargePointFactory(csms, tmp_path)
    try:
        yield factory
    finally:
        factory.cleanup()


@pytest.fixture(scope="module")
def module_csms():
    """One CSMS for a module whose tests only read state (keeps the suite fast)."""
    with running_csms() as csms:
        yield csms


@pytest.fixture(scope="module")
def module_chargepoint(module_csms, tmp_path_factory):
    factory = ChargePointFactory(module_csms, tmp_path_factory.mktemp("cp"))
    try:
        yield factory
    finally:
        factory.cleanup()


@pytest.fixture
def file_server():
    """An HTTP server for firmware downloads and diagnostics/log uploads (fileserver.FileServer)."""
    with running_file_server() as server:
        yield server


@pytest.fixture
def pki(tmp_path):
    """A throw-away PKI writing into this test's tmp dir (pki.Pki)."""
    return Pki(tmp_path / "pki")


@pytest.fixture
def csms_factory():
    """Starts further CSMSs for one test, e.g. with TLS: `csms_factory(tls=server_tls(...),
    basic_auth=...)`; each one fails the test at teardown on a violation like `csms` does."""
    with ExitStack() as stack:
        yield lambda tls=None, **settings: stack.enter_context(running_csms(tls, **settings))
