"""`--log-format json` (CP_LOG_FORMAT, CSMS_LOG_FORMAT): every line the binary writes, `serve` and
`csms` alike, is one JSON object with an RFC 3339 UTC timestamp, the level, the logger's label and the
message (metadata nested when there is some), secrets left out as in the text format; a failure to start
is such a line too."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from pathlib import Path

import pytest

from csms import wait_until
from harness import ChargePointProcess, binary_path, free_port
from test_builtin_csms import BuiltinCsms

RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
LEVELS = {"trace", "debug", "info", "notice", "warning", "error", "critical"}


def json_lines(text: str) -> list[dict]:
    """Every line of a process's output as a log object; fails on the first that is not one. The
    harness's own `===== command` separators are not the binary's and are left out."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("===== "):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            pytest.fail(f"line {number} is not JSON: {line!r}")
        assert isinstance(entry, dict), line
        assert set(entry) - {"metadata", "error"} == {"timestamp", "level", "label", "message"}, line
        assert RFC3339_UTC.fullmatch(entry["timestamp"]), line
        assert entry["level"] in LEVELS, line
        assert isinstance(entry["label"], str) and entry["label"], line
        assert isinstance(entry["message"], str), line
        assert isinstance(entry.get("metadata", {}), dict) and entry.get("metadata") != {}, line
        entries.append(entry)
    return entries


@pytest.mark.parametrize("how", ["flag", "variable"])
def test_serve_writes_json_lines(csms, chargepoint, tmp_path, how):
    token = secrets.token_hex(24)
    (tmp_path / "token").write_text(token + "\n")
    args = ["--api-token-file", str(tmp_path / "token")] + (["--log-format", "json"] if how == "flag" else [])
    env = {"CP_LOG_FORMAT": "json"} if how == "variable" else {}
    cp = chargepoint(args=args, env=env, registered=False)  # --log-level debug: every frame is logged too
    cp.api.token = token
    cp.wait_registered()
    cp.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
    assert cp.api.get("/api/v1/no-such-thing").status_code == 404
    assert cp.terminate() == 0

    log = cp.log_path.read_text()
    entries = json_lines(log)
    assert token not in log
    messages = [entry["message"] for entry in entries]
    assert any(message.startswith(f"charge point {cp.identity}: API on http://127.0.0.1:{cp.http_port}")
               for message in messages), messages[:20]
    assert any("StartTransaction" in message and entry["level"] == "debug" for entry, message in zip(entries, messages))
    assert any(entry["label"] == "chargepoint.http" and entry.get("metadata", {}).get("address") for entry in entries), \
        "the HTTP server's start line carries its address as metadata"
    assert any(message.startswith("stopping on signal") for message in messages), messages[-5:]


def test_a_failure_to_start_is_a_json_line(tmp_path):
    result = subprocess.run(
        [str(binary_path()), "serve", "--log-format", "json", "--http", f"127.0.0.1:{free_port()}",
         "--data-dir", str(tmp_path / "data"), "--web-root", str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 64, result
    assert result.stdout == ""
    entries = json_lines(result.stderr)
    assert entries[-1]["level"] == "critical" and str(tmp_path / "missing") in entries[-1]["message"], entries


def test_a_wrong_log_format_is_refused(tmp_path):
    result = subprocess.run([str(binary_path()), "serve", "--log-format", "yaml"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 64 and "--log-format must be text or json, not 'yaml'" in result.stderr, result


def test_csms_writes_json_lines(tmp_path):
    builtin = BuiltinCsms(tmp_path, env={"CSMS_LOG_FORMAT": "json"}).start()  # --log-level debug
    station = ChargePointProcess(builtin, tmp_path, ocpp_version="1.6")
    try:
        station.start()
        wait_until(lambda: any(s["identity"] == station.identity for s in builtin.api.get("/api/v1/stations").json()["stations"]),
                   15, "the station at the built-in CSMS")
        station.terminate()
    finally:
        station.kill()
        assert builtin.stop() == 0
    entries = json_lines(builtin.log())
    assert all(entry["label"].startswith("csms") for entry in entries), {entry["label"] for entry in entries}
    assert any("BootNotification" in entry["message"] for entry in entries)
    assert any(entry["message"].startswith("stopping on signal") for entry in entries)


def test_serve_and_csms_keep_running_above_level_info(chargepoint, tmp_path):
    """Regression: the wait for SIGINT/SIGTERM sat inside an info-level log message, which swift-log does not
    build above level info, so with --log-level notice or higher both services exited at once with status 0."""
    cp = chargepoint(args=["--log-level", "warning"])   # waits for boot Accepted: the process must stay up
    csms = BuiltinCsms(tmp_path, args=["--log-level", "error"]).start()
    try:
        assert cp.running and csms.process.poll() is None
    finally:
        assert csms.stop() == 0
    assert cp.terminate() == 0
