"""Registration and heartbeat (OCPP 1.6 §4.2, §4.6; reference §6.1, §6.2)."""

from itertools import pairwise

import pytest

from conftest import CSMS_HEARTBEAT_INTERVAL

# Tolerances for timers: the CP may be a little late, never early.
EARLY_SLACK_S = 0.1
LATE_SLACK_S = 1.0
BOOT_RETRY_LATE_S = 2.0  # a Rejected CP may also reconnect before re-sending


def test_boot_accepted_reports_every_connector_and_status(csms, chargepoint):
    cp = chargepoint()

    calls = csms.call_frames(identity=cp.identity)
    assert [f.action for f in calls[:4]] == ["BootNotification"] + ["StatusNotification"] * 3
    initial = sorted((f.payload["connectorId"], f.payload["status"], f.payload["errorCode"])
                     for f in calls[1:4])
    assert initial == [(0, "Available", "NoError"), (1, "Available", "NoError"),
                       (2, "Available", "NoError")]

    # The SecurityEventNotification StartupOfTheDevice goes through the queue after the boot: it drains.
    status = cp.api.wait_status(queuedMessages=0)
    assert status["identity"] == cp.identity
    assert status["csmsUrl"] == f"{csms.url}/{cp.identity}"
    assert status["link"] == "connected"
    assert status["registration"] == "Accepted"
    assert status["heartbeatInterval"] == CSMS_HEARTBEAT_INTERVAL
    assert status["connectorCount"] == 2
    assert status["ocppVersion"] == "1.6"
    assert isinstance(status["uptimeSeconds"], int) and status["uptimeSeconds"] >= 0

    connectors = cp.api.ok_json("GET", "/api/v1/connectors")["connectors"]
    assert [(c["id"], c["status"], c["errorCode"], c["plugged"], c["transaction"]) for c in connectors] == \
        [(1, "Available", "NoError", False, None), (2, "Available", "NoError", False, None)]


@pytest.mark.parametrize("status, interval", [("Pending", 1), ("Rejected", 2)])
def test_boot_not_accepted_waits_interval_and_sends_nothing_else(csms, chargepoint, status, interval):
    csms.set_boot_statuses([status])
    csms.settings.retry_interval = interval
    cp = chargepoint(registered=False)

    csms.wait_for_calls("BootNotification", cp.identity, count=2, timeout=interval * 2 + 10)
    cp.api.wait_status(registration=status)
    not_ready = cp.api.request("GET", "/readyz")
    assert not_ready.status_code == 503 and status in not_ready.json()["detail"], not_ready.text
    first, second = csms.call_frames("BootNotification", cp.identity)[:2]
    waited = second.time - csms.answer_to(first).time
    assert waited >= interval - EARLY_SLACK_S, f"re-sent BootNotification after {waited:.2f} s"
    assert waited <= interval + BOOT_RETRY_LATE_S, f"re-sent BootNotification only after {waited:.2f} s"

    csms.set_boot_statuses(["Accepted"])
    cp.wait_registered(timeout=interval + 10)
    actions = [f.action for f in csms.call_frames(identity=cp.identity)]
    first_other = next(i for i, action in enumerate(actions) if action != "BootNotification")
    assert actions[first_other] == "StatusNotification"
    assert first_other >= 3, "expected the status BootNotifications and then the Accepted one"
    assert cp.api.status()["heartbeatInterval"] == CSMS_HEARTBEAT_INTERVAL
    assert cp.api.ok_json("GET", "/readyz") == {"status": "ready"}


def test_readiness_says_the_link_is_down(csms, chargepoint):
    cp = chargepoint(registered=False, csms_url="ws://127.0.0.1:9")

    not_ready = cp.api.request("GET", "/readyz")

    assert not_ready.status_code == 503
    assert not_ready.headers["Content-Type"] == "application/problem+json"
    assert "link to the central system" in not_ready.json()["detail"], not_ready.text


def test_heartbeat_follows_the_interval_from_the_csms(csms, chargepoint):
    interval = 2
    csms.settings.heartbeat_interval = interval
    cp = chargepoint()
    assert cp.api.status()["heartbeatInterval"] == interval

    csms.wait_for_calls("Heartbeat", cp.identity, count=3, timeout=interval * 3 + 5)
    beats = csms.call_frames("Heartbeat", cp.identity)
    assert all(f.payload == {} for f in beats)
    gaps = [round(b.time - a.time, 2) for a, b in pairwise(beats[:3])]
    assert all(interval - EARLY_SLACK_S <= gap <= interval + LATE_SLACK_S for gap in gaps), gaps
