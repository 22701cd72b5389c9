"""Crashes and outages: the offline queue, persistence across SIGKILL, offline starts
(reference §6.3; design principle "nothing acknowledged is ever lost")."""

import random
import time
from itertools import pairwise

from csms import parse_time
from harness import (assert_unique, meter_values_for, sample_times, timestamps_in_order,
                     transaction_id_of, wait_meter_values)

# The CP chooses its reconnect back-off; the contract does not bound it, so allow some.
RECONNECT_TIMEOUT_S = 45
MAX_SAMPLE_GAP_S = 2.5  # MeterValueSampleInterval=1: a bigger gap means lost samples
QUEUED_BEFORE_STOP = 3
QUIET_BEFORE_KILL_S = 0.3


def start(cp, id_tag="TAG1", expected=201):
    return cp.api.ok_json("POST", "/api/v1/connectors/1/start", expected, json={"idTag": id_tag})


def go_offline(csms, cp):
    """Crash the CSMS and wait until the charge point has noticed."""
    csms.stop(abrupt=True)
    csms.wait_for(lambda: cp.api.status()["link"] != "connected", 15, "the CP to notice the CSMS is gone")


def wait_between_exchanges(csms, identity):
    """Wait until no frame has crossed for a moment, so a SIGKILL lands between two exchanges.
    A kill inside one (conf received, not yet committed) may legitimately cause a resend."""
    csms.wait_for(lambda: time.time() - csms.frames(identity=identity)[-1].time >= QUIET_BEFORE_KILL_S,
                  10, "a quiet moment on the link")


def transaction_messages(csms, identity, transaction_id):
    """CP CALL frames that belong to one transaction (MeterValues and StopTransaction), in order."""
    return [f for f in csms.call_frames(identity=identity)
            if f.action in ("MeterValues", "StopTransaction")
            and f.payload.get("transactionId") == transaction_id]


def calls_after_restart(csms, identity):
    """The CP's CALLs on its newest connection, once it has opened a second one."""
    frames = csms.call_frames(identity=identity)
    if csms.connection_count(identity) < 2 or not frames:
        return None
    newest = max(f.connection for f in frames)
    return [f for f in frames if f.connection == newest]


def assert_meter_values_use(csms, identity, transaction_id):
    """Every MeterValues of connector 1 carries the CSMS's transaction id (none missing, none local)."""
    connector_meter_values = [p for p in csms.calls("MeterValues", identity) if p["connectorId"] == 1]
    assert {p.get("transactionId") for p in connector_meter_values} == {transaction_id}


def assert_delivered_once_in_order(csms, identity, transaction_id, stopped_at):
    """Each transaction message arrived once, samples in order without gaps up to the stop,
    StopTransaction last."""
    frames = transaction_messages(csms, identity, transaction_id)
    assert [f.action for f in frames].count("StopTransaction") == 1
    assert frames[-1].action == "StopTransaction", [f.action for f in frames]
    assert_unique([(f.connection, f.unique_id) for f in frames], "message ids on one connection")
    assert_unique([f.unique_id for f in frames], "message ids")
    times = sample_times([f.payload for f in frames if f.action == "MeterValues"])
    assert_unique(times, "MeterValues timestamps")
    assert timestamps_in_order(times), times
    parsed = [parse_time(t) for t in times]
    gaps = [(b - a).total_seconds() for a, b in pairwise(parsed)]
    assert max(gaps) <= MAX_SAMPLE_GAP_S, f"samples lost: gaps {gaps}"
    assert (parse_time(stopped_at) - parsed[-1]).total_seconds() <= MAX_SAMPLE_GAP_S, \
        f"samples before the stop at {stopped_at} lost, last is {times[-1]}"


def test_csms_crash_mid_transaction_loses_and_duplicates_nothing(csms, chargepoint):
    cp = chargepoint()
    start(cp)
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_meter_values(csms, cp.identity, transaction_id, count=2)

    go_offline(csms, cp)
    csms.wait_for(lambda: cp.api.status()["queuedMessages"] >= QUEUED_BEFORE_STOP, 15,
                  f"{QUEUED_BEFORE_STOP} messages queued while offline")
    stopped = cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    assert (stopped["transactionId"], stopped["stopReason"], stopped["pendingDelivery"]) == \
        (transaction_id, "Local", True)

    csms.restart()
    stop_req = csms.wait_for_calls("StopTransaction", cp.identity, timeout=RECONNECT_TIMEOUT_S)[0]
    assert (stop_req["transactionId"], stop_req["meterStop"]) == (transaction_id, stopped["meterStopWh"])
    assert_delivered_once_in_order(csms, cp.identity, transaction_id, stopped["stoppedAt"])
    assert_meter_values_use(csms, cp.identity, transaction_id)
    cp.api.wait_status(queuedMessages=0)
    assert cp.api.transactions()[0]["pendingDelivery"] is False
    assert len(csms.calls("StartTransaction", cp.identity)) == 1


def test_sigkill_mid_transaction_resumes_same_transaction(csms, chargepoint):
    cp = chargepoint()
    start(cp)
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_meter_values(csms, cp.identity, transaction_id, count=2)

    wait_between_exchanges(csms, cp.identity)
    cp.kill()
    cp.restart()
    rebooted = csms.wait_for(lambda: calls_after_restart(csms, cp.identity), 15,
                             "the restarted CP's first CALL")
    assert rebooted[0].action == "BootNotification"
    cp.api.wait_status(link="connected", registration="Accepted")
    connector = cp.api.wait_connector(1, lambda c: c["transaction"] is not None, what="a transaction")
    assert (connector["transaction"]["transactionId"], connector["plugged"]) == (transaction_id, True)
    after_restart = len(meter_values_for(csms, cp.identity, transaction_id))
    wait_meter_values(csms, cp.identity, transaction_id, count=after_restart + 1)

    stopped = cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    assert stopped["transactionId"] == transaction_id
    stop_req = csms.wait_for_calls("StopTransaction", cp.identity)[0]
    assert (stop_req["transactionId"], stop_req["meterStop"]) == (transaction_id, stopped["meterStopWh"])
    assert stop_req.get("reason", "Local") == "Local"
    assert len(csms.calls("StartTransaction", cp.identity)) == 1
    times = sample_times(meter_values_for(csms, cp.identity, transaction_id))
    assert_unique(times, "MeterValues timestamps (a confirmed message was sent again)")
    assert_meter_values_use(csms, cp.identity, transaction_id)


def test_offline_start_is_delivered_later_with_the_csms_id(csms, chargepoint):
    cp = chargepoint(ocpp_config={"AllowOfflineTxForUnknownId": "true"})
    go_offline(csms, cp)

    pending = start(cp, "TAG1", expected=202)
    assert (pending["transactionId"], pending["pendingDelivery"], pending["idTag"]) == (None, True, "TAG1")
    restarted_at = time.time()
    csms.restart()

    start_req = csms.wait_for_calls("StartTransaction", cp.identity, timeout=RECONNECT_TIMEOUT_S)[0]
    assert (start_req["connectorId"], start_req["idTag"]) == (1, "TAG1")
    assert parse_time(start_req["timestamp"]).timestamp() <= restarted_at, "start re-stamped at delivery"
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_meter_values(csms, cp.identity, transaction_id, count=1)
    cp.api.wait_connector(1, lambda c: (c["transaction"] or {}).get("transactionId") == transaction_id
                          and c["transaction"]["pendingDelivery"] is False, what="the CSMS transaction id")
    assert_meter_values_use(csms, cp.identity, transaction_id)
    by_local_id = cp.api.ok_json("GET", f"/api/v1/transactions/{pending['localId']}")
    assert (by_local_id["localId"], by_local_id["transactionId"]) == (pending["localId"], transaction_id)

    stopped = cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    assert stopped["transactionId"] == transaction_id
    stop_req = csms.wait_for_calls("StopTransaction", cp.identity)[0]
    assert stop_req["transactionId"] == transaction_id


def test_sigkill_at_random_instants_never_takes_the_register_back(csms, chargepoint):
    """Issue 10, defect 7: kill -9 at random instants, charging or not; after every restart the
    register is at least every value the API showed before the kill."""
    rng = random.Random(20261207)
    cp = chargepoint()
    shown = 0
    for round_number in range(12):
        connector = cp.api.connector(1)
        if connector["transaction"] is None and rng.random() < 0.75:
            start(cp)
        elif connector["transaction"] is not None and rng.random() < 0.25:
            cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
        deadline = time.monotonic() + rng.uniform(0.2, 2.5)
        while time.monotonic() < deadline:
            shown = max(shown, cp.api.connector(1)["energyWh"])
            time.sleep(rng.uniform(0, 0.05))
        cp.kill()
        cp.restart()
        cp.api.wait_status(link="connected", registration="Accepted", timeout=RECONNECT_TIMEOUT_S)
        after = cp.api.connector(1)["energyWh"]
        assert after >= shown, f"round {round_number}: the register showed {shown} Wh, {after} Wh after the kill"
        shown = after
    assert shown > 0
