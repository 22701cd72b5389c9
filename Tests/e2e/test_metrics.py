"""GET /metrics: Prometheus text format that a real parser and `promtool check metrics` (Debian's
`prometheus` package) accept, named by Prometheus' conventions, with counters that move as the charge
point works, the build and the process."""

import os
import shutil
import subprocess
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import ChargePointFactory, running_csms


def scrape(cp) -> dict[tuple[str, frozenset], float]:
    response = cp.api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def promtool() -> str:
    path = shutil.which("promtool")
    if not path:
        pytest.fail("promtool not found: install Debian's prometheus package (make test does)", pytrace=False)
    return path


def test_metrics_parse_and_follow_a_session(csms, chargepoint):
    cp = chargepoint()
    before = scrape(cp)
    assert value(before, "chargepoint_ocpp_link_up") == 1
    assert value(before, "chargepoint_ocpp_registration", status="Accepted") == 1
    assert value(before, "chargepoint_ocpp_registration", status="Pending") == 0
    assert value(before, "chargepoint_ocpp_connections_total") == 1
    assert value(before, "chargepoint_ocpp_frames_total", direction="out", type="CALL", action="BootNotification") == 1
    assert value(before, "chargepoint_ocpp_frames_total", direction="out", type="CALL", action="StatusNotification") == 3
    assert value(before, "chargepoint_connector_status", connector="1", status="Available") == 1

    cp.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
    csms.send_raw(cp.identity, '[2,"m-1","FooBar",{}]')
    csms.wait_for(lambda: csms.frames(identity=cp.identity, type_id=4), 10, "the CALLERROR for FooBar")
    during = scrape(cp)
    assert value(during, "chargepoint_ocpp_frames_total", direction="out", type="CALL", action="StartTransaction") == 1
    assert value(during, "chargepoint_ocpp_frames_total", direction="in", type="CALLRESULT", action="StartTransaction") == 1
    assert value(during, "chargepoint_ocpp_call_duration_seconds_count", action="StartTransaction") == 1
    assert 0 < value(during, "chargepoint_ocpp_call_duration_seconds_sum", action="StartTransaction") < 5
    assert value(during, "chargepoint_ocpp_callerrors_total", direction="out", code="NotImplemented") == 1
    assert value(during, "chargepoint_ocpp_frames_total", direction="in", type="CALL", action="(unknown)") == 1
    assert value(during, "chargepoint_connector_status", connector="1", status="Charging") == 1
    assert value(during, "chargepoint_connector_status", connector="1", status="Available") == 0
    assert value(during, "chargepoint_connector_power_watts", connector="1") == 11000
    assert value(during, "chargepoint_http_requests_total", route="/api/v1/connectors/{id}/start", method="POST", code="201") == 1
    assert value(during, "chargepoint_http_request_duration_seconds_count", route="/api/v1/connectors/{id}/start") == 1
    assert value(during, "chargepoint_http_requests_total", route="/metrics", method="GET", code="200") == 1

    cp.api.set_meter(1, energyWh=5000)
    cp.api.ok_json("POST", "/api/v1/connectors/1/stop")
    after = scrape(cp)
    assert value(after, "chargepoint_connector_energy_joules_total", connector="1") == 5000 * 3600
    assert value(after, "chargepoint_connector_power_watts", connector="1") == 0
    assert value(after, "chargepoint_ocpp_queued_transaction_messages") == 0
    assert value(after, "chargepoint_ocpp_frames_total", direction="out", type="CALL", action="StopTransaction") == 1


def test_metrics_under_ocpp_2_0_1_follow_a_transaction(tmp_path):
    """The same families under --ocpp 2.0.1, with its names: the 2.0.1 actions and statuses, the
    TransactionEvents waiting, and the build's ocpp_version label."""
    with running_csms(ocpp_version="2.0.1", accept_tags={"TAG1"}) as csms:
        factory = ChargePointFactory(csms, tmp_path)
        try:
            station = factory(connectors=2)
            before = scrape(station)
            assert value(before, "chargepoint_ocpp_registration", status="Accepted") == 1
            assert value(before, "chargepoint_connector_status", connector="2", status="Available") == 1
            assert value(before, "chargepoint_ocpp_frames_total", direction="out", type="CALL",
                         action="StatusNotification") == 2
            build = [labels for (name, labels) in before if name == "chargepoint_build_info"]
            assert ("ocpp_version", "2.0.1") in build[0]

            station.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
            csms.send_raw(station.identity, '[2,"m-1","FooBar",{}]')
            csms.wait_for(lambda: csms.frames(identity=station.identity, type_id=4), 10, "the CALLERROR for FooBar")
            during = scrape(station)
            assert value(during, "chargepoint_ocpp_frames_total", direction="out", type="CALL",
                         action="TransactionEvent") >= 1
            assert value(during, "chargepoint_ocpp_call_duration_seconds_count", action="Authorize") == 1
            assert value(during, "chargepoint_ocpp_callerrors_total", direction="out", code="NotImplemented") == 1
            assert value(during, "chargepoint_connector_status", connector="1", status="Occupied") == 1
            assert value(during, "chargepoint_connector_power_watts", connector="1") == 11000
            assert value(during, "chargepoint_http_requests_total", route="/api/v1/connectors/{id}/start",
                         method="POST", code="201") == 1
        finally:
            factory.cleanup()


def test_metrics_pass_promtool_and_describe_the_build_and_the_process(chargepoint):
    """`promtool check metrics` finds nothing to lint (names, units, suffixes, HELP and TYPE); the
    build info and the process metrics of every Prometheus client library are there, from /proc."""
    started = time.time()
    cp = chargepoint()
    cp.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
    cp.api.get("/api/v1/no-such-thing")
    text = cp.api.get("/metrics").text
    check = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), \
        f"promtool check metrics:\n{check.stdout}{check.stderr}\n--- the scrape ---\n{text}"

    families = {family.name: family for family in text_string_to_metric_families(text)}
    named = {name for name in families if not name.startswith("process_")}
    assert all(name.startswith("chargepoint_") for name in named), sorted(named)
    samples = scrape(cp)
    info = [labels for (name, labels) in samples if name == "chargepoint_build_info"]
    assert len(info) == 1 and value(samples, "chargepoint_build_info", **dict(info[0])) == 1
    labels = dict(info[0])
    assert labels["ocpp_version"] == "1.6"
    assert labels["version"] == cp.api.status()["version"]
    assert labels["swift_version"][0].isdigit() and "." in labels["swift_version"], labels
    assert value(samples, "chargepoint_http_requests_total", route="(unmatched)", method="GET", code="404") == 1

    pid = cp.process.pid
    assert families["process_cpu_seconds"].type == "counter"  # the parser names a counter without _total
    assert 0 < value(samples, "process_cpu_seconds_total") < time.time() - started + 60
    resident = value(samples, "process_resident_memory_bytes")
    with open(f"/proc/{pid}/status") as status:
        vm_rss = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
    assert 0.5 * vm_rss < resident < 2 * vm_rss, (resident, vm_rss)
    assert value(samples, "process_virtual_memory_bytes") >= resident
    assert abs(value(samples, "process_start_time_seconds") - started) < 30
    open_fds = value(samples, "process_open_fds")
    assert 5 <= open_fds <= len(os.listdir(f"/proc/{pid}/fd")) + 5, open_fds
    with open(f"/proc/{pid}/limits") as limits:
        soft = next(line.split()[3] for line in limits if line.startswith("Max open files"))
    assert value(samples, "process_max_fds") == int(soft)
