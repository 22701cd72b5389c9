"""Core profile operations a CSMS sends (reference §3.3, §5, §6.7–6.9, §6.11, §6.15, §7):
ChangeAvailability, UnlockConnector, Reset, ClearCache, DataTransfer, the configuration keys of
the feature profiles, and clock-aligned meter data."""

from csms import parse_time
from harness import (ENERGY, POWER, assert_problem, assert_sample_types, assert_unique, boot_frames,
                     meter_value_objects, ocpp_call, readings, sampled_values, settle, status_sequence,
                     transaction_id_of, wait_for_status, wait_meter_values)

PROFILES = "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger"
ALIGNED_INTERVAL_S = 2
REBOOT_TIMEOUT_S = 20


def start(cp, connector_id=1, id_tag="TAG1", expected=201):
    return cp.api.ok_json("POST", f"/api/v1/connectors/{connector_id}/start", expected, json={"idTag": id_tag})


def change_availability(csms, cp, connector_id, kind):
    return ocpp_call(csms, cp.identity, "ChangeAvailability", {"connectorId": connector_id, "type": kind})


def statuses_after_boot(csms, identity, boot_index):
    """{connectorId: [status, ...]} of the StatusNotifications sent after the given BootNotification."""
    boot_seq = boot_frames(csms, identity)[boot_index].seq
    seen = {}
    for frame in csms.call_frames("StatusNotification", identity):
        if frame.seq > boot_seq:
            seen.setdefault(frame.payload["connectorId"], []).append(frame.payload["status"])
    return seen


def wait_rebooted(csms, cp, boots):
    """Wait for the `boots`-th BootNotification, its Accepted answer and the status round after it."""
    csms.wait_for(lambda: len(boot_frames(csms, cp.identity)) >= boots, REBOOT_TIMEOUT_S,
                  f"BootNotification number {boots}")
    csms.wait_for(lambda: set(statuses_after_boot(csms, cp.identity, boots - 1)) >= {0, 1, 2},
                  REBOOT_TIMEOUT_S, "the StatusNotification round after the reboot")
    cp.api.wait_status(REBOOT_TIMEOUT_S, link="connected", registration="Accepted")


def answer_frame(csms, identity, action):
    """The charge point's CALLRESULT frames to the CSMS's CALLs of `action`, oldest first."""
    return [f for f in csms.frames(identity=identity, action=action, direction="in") if f.type_id == 3]


# ----- ChangeAvailability (reference §6.8) ------------------------------------------------------

def test_change_availability_of_an_idle_connector_applies_at_once(csms, chargepoint):
    cp = chargepoint()

    assert change_availability(csms, cp, 2, "Inoperative") == {"status": "Accepted"}
    assert wait_for_status(csms, cp.identity, 2, "Unavailable") == ["Available", "Unavailable"]
    assert cp.api.connector(2)["status"] == "Unavailable"
    assert_problem(cp.api.post("/api/v1/connectors/2/start", json={"idTag": "TAG1"}), 409,
                   connectorStatus="Unavailable")
    assert ocpp_call(csms, cp.identity, "RemoteStartTransaction",
                     {"idTag": "TAG1", "connectorId": 2}) == {"status": "Rejected"}
    # Already in the requested state: Accepted, and nothing to report.
    assert change_availability(csms, cp, 2, "Inoperative") == {"status": "Accepted"}
    settle(csms, cp)
    assert status_sequence(csms, cp.identity, 2) == ["Available", "Unavailable"]
    assert status_sequence(csms, cp.identity, 1) == ["Available"]
    assert status_sequence(csms, cp.identity, 0) == ["Available"]

    assert change_availability(csms, cp, 2, "Operative") == {"status": "Accepted"}
    assert wait_for_status(csms, cp.identity, 2, "Available") == ["Available", "Unavailable", "Available"]
    assert change_availability(csms, cp, 3, "Inoperative") == {"status": "Rejected"}
    assert ocpp_call(csms, cp.identity, "ChangeAvailability",
                     {"connectorId": 2, "type": "Operative"}) == {"status": "Accepted"}

    # The same through the REST API.
    assert cp.api.ok_json("POST", "/api/v1/connectors/1/availability",
                          json={"type": "Inoperative"}) == {"status": "Accepted"}
    wait_for_status(csms, cp.identity, 1, "Unavailable")
    assert cp.api.ok_json("POST", "/api/v1/connectors/1/availability",
                          json={"type": "Operative"}) == {"status": "Accepted"}
    assert wait_for_status(csms, cp.identity, 1, "Available") == ["Available", "Unavailable", "Available"]
    assert_problem(cp.api.post("/api/v1/connectors/9/availability", json={"type": "Inoperative"}), 404)
    assert_problem(cp.api.post("/api/v1/connectors/1/availability", json={"type": "Sideways"}), 422)


def test_change_availability_of_a_busy_connector_is_scheduled_until_the_transaction_ends(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_for_status(csms, cp.identity, 1, "Charging")

    assert change_availability(csms, cp, 1, "Inoperative") == {"status": "Scheduled"}
    settle(csms, cp)
    assert status_sequence(csms, cp.identity, 1)[-1] == "Charging"
    connector = cp.api.connector(1)
    assert (connector["status"], connector["transaction"]["transactionId"]) == ("Charging", transaction_id)
    assert csms.calls("StopTransaction", cp.identity) == []

    stopped = cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    assert stopped["stopReason"] == "Local"
    wait_for_status(csms, cp.identity, 1, "Unavailable")
    stop_frame = csms.call_frames("StopTransaction", cp.identity)[0]
    assert stop_frame.payload["transactionId"] == transaction_id
    unavailable = [f for f in csms.call_frames("StatusNotification", cp.identity)
                   if f.payload["connectorId"] == 1 and f.payload["status"] == "Unavailable"]
    assert len(unavailable) == 1 and unavailable[0].seq > stop_frame.seq, \
        "connector 1 became Unavailable before its transaction ended"
    assert cp.api.connector(1)["status"] == "Unavailable"
    assert_problem(cp.api.post("/api/v1/connectors/1/start", json={"idTag": "TAG1"}), 409,
                   connectorStatus="Unavailable")
    assert status_sequence(csms, cp.identity, 2) == ["Available"]


def test_change_availability_of_connector_zero_covers_every_connector(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_for_status(csms, cp.identity, 1, "Charging")

    assert change_availability(csms, cp, 0, "Inoperative") == {"status": "Scheduled"}
    wait_for_status(csms, cp.identity, 0, "Unavailable")
    wait_for_status(csms, cp.identity, 2, "Unavailable")
    settle(csms, cp)
    assert status_sequence(csms, cp.identity, 1)[-1] == "Charging"
    assert [c["status"] for c in cp.api.ok_json("GET", "/api/v1/connectors")["connectors"]] == \
        ["Charging", "Unavailable"]

    cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    assert csms.wait_for_calls("StopTransaction", cp.identity)[0]["transactionId"] == transaction_id
    wait_for_status(csms, cp.identity, 1, "Unavailable")

    assert change_availability(csms, cp, 0, "Operative") == {"status": "Accepted"}
    for connector_id in (0, 2):
        wait_for_status(csms, cp.identity, connector_id, "Available")
    assert status_sequence(csms, cp.identity, 0) == ["Available", "Unavailable", "Available"]
    assert status_sequence(csms, cp.identity, 2) == ["Available", "Unavailable", "Available"]
    assert status_sequence(csms, cp.identity, 1)[-1] == "Finishing"  # the cable is still in


def test_unavailability_survives_a_restart_of_the_binary(csms, chargepoint):
    cp = chargepoint()
    assert change_availability(csms, cp, 0, "Inoperative") == {"status": "Accepted"}
    for connector_id in (0, 1, 2):
        wait_for_status(csms, cp.identity, connector_id, "Unavailable")
    settle(csms, cp)

    cp.restart()
    wait_rebooted(csms, cp, boots=2)

    settle(csms, cp)
    assert statuses_after_boot(csms, cp.identity, 1) == \
        {0: ["Unavailable"], 1: ["Unavailable"], 2: ["Unavailable"]}
    assert [c["status"] for c in cp.api.ok_json("GET", "/api/v1/connectors")["connectors"]] == \
        ["Unavailable", "Unavailable"]
    assert change_availability(csms, cp, 0, "Operative") == {"status": "Accepted"}
    for connector_id in (0, 1, 2):
        wait_for_status(csms, cp.identity, connector_id, "Available")


# ----- UnlockConnector (reference §6.9) ---------------------------------------------------------

def test_unlock_connector_stops_the_transaction_with_unlock_command(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)

    assert ocpp_call(csms, cp.identity, "UnlockConnector", {"connectorId": 1}) == {"status": "Unlocked"}
    stop = csms.wait_for_calls("StopTransaction", cp.identity)[0]
    assert (stop["transactionId"], stop["reason"]) == (transaction_id, "UnlockCommand")
    cp.api.wait_connector(1, lambda c: c["transaction"] is None, what="no transaction")
    assert cp.api.transactions()[0]["stopReason"] == "UnlockCommand"

    assert ocpp_call(csms, cp.identity, "UnlockConnector", {"connectorId": 3}) == {"status": "NotSupported"}
    assert ocpp_call(csms, cp.identity, "UnlockConnector", {"connectorId": 2}) == {"status": "Unlocked"}
    assert cp.api.ok_json("POST", "/api/v1/connectors/2/unlock") == {"status": "Unlocked"}
    assert_problem(cp.api.post("/api/v1/connectors/9/unlock"), 404)
    settle(csms, cp)
    assert len(csms.calls("StopTransaction", cp.identity)) == 1


# ----- Reset (reference §6.7) -----------------------------------------------------------------

def test_soft_reset_stops_gracefully_then_reboots_with_a_new_boot_notification(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_meter_values(csms, cp.identity, transaction_id, count=1)

    assert ocpp_call(csms, cp.identity, "Reset", {"type": "Soft"}) == {"status": "Accepted"}
    wait_rebooted(csms, cp, boots=2)

    assert csms.connection_count(cp.identity) == 2
    second_boot = boot_frames(csms, cp.identity)[1]
    first_on_new_link = [f for f in csms.call_frames(identity=cp.identity) if f.connection == second_boot.connection]
    assert first_on_new_link[0].action == "BootNotification"
    stop_frames = csms.call_frames("StopTransaction", cp.identity)
    assert len(stop_frames) == 1
    stop = stop_frames[0]
    assert (stop.payload["transactionId"], stop.payload["reason"]) == (transaction_id, "SoftReset")
    assert stop.seq < second_boot.seq, "a soft reset must stop the transaction before rebooting"
    reset_answer = answer_frame(csms, cp.identity, "Reset")[0]
    assert reset_answer.seq < stop.seq, "Reset.conf must come before the StopTransaction"
    cp.api.wait_status(queuedMessages=0)
    meter_frames = [f for f in csms.call_frames("MeterValues", cp.identity)
                    if f.payload.get("transactionId") == transaction_id]
    assert all(f.seq < stop.seq for f in meter_frames), "MeterValues of the transaction after its stop"
    assert_unique([mv["timestamp"] for mv in meter_value_objects([f.payload for f in meter_frames])],
                  "MeterValues timestamps (a delivered message was sent again)")
    latest = cp.api.transactions()[0]
    assert (latest["transactionId"], latest["stopReason"], latest["pendingDelivery"]) == \
        (transaction_id, "SoftReset", False)
    assert cp.api.connector(1)["transaction"] is None
    assert len(csms.calls("StartTransaction", cp.identity)) == 1


def test_soft_reset_while_offline_delivers_the_queue_once_after_the_reboot(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)
    wait_meter_values(csms, cp.identity, transaction_id, count=1)
    csms.stop(abrupt=True)
    csms.wait_for(lambda: cp.api.status()["link"] != "connected", 15, "the CP to notice the CSMS is gone")
    csms.wait_for(lambda: cp.api.status()["queuedMessages"] >= 2, 10, "MeterValues queued offline")

    assert cp.api.ok_json("POST", "/api/v1/reset", 202, json={"type": "Soft"}) == {"status": "Accepted"}
    csms.restart()
    wait_rebooted(csms, cp, boots=2)
    stop = csms.wait_for_calls("StopTransaction", cp.identity, timeout=REBOOT_TIMEOUT_S)[0]
    cp.api.wait_status(REBOOT_TIMEOUT_S, queuedMessages=0)

    assert (stop["transactionId"], stop["reason"]) == (transaction_id, "SoftReset")
    frames = [f for f in csms.call_frames(identity=cp.identity)
              if f.action in ("MeterValues", "StopTransaction") and f.payload.get("transactionId") == transaction_id]
    assert [f.action for f in frames].count("StopTransaction") == 1
    assert frames[-1].action == "StopTransaction"
    times = [mv["timestamp"] for mv in meter_value_objects([f.payload for f in frames if f.action == "MeterValues"])]
    assert_unique(times, "MeterValues timestamps")
    assert times == sorted(times, key=parse_time)
    assert len(csms.calls("StartTransaction", cp.identity)) == 1
    latest = cp.api.transactions()[0]
    assert (latest["transactionId"], latest["stopReason"], latest["pendingDelivery"]) == \
        (transaction_id, "SoftReset", False)


def test_a_reset_that_stops_a_transaction_leaves_the_plugged_connector_finishing(csms, chargepoint):
    """The cable is still in after the reset stopped its transaction: the connector is Finishing
    (reference §6.4: Stop -> StopTransaction -> Finishing while the cable is in), not Preparing,
    which would offer the old cable to the next driver and is no transition from Charging."""
    cp = chargepoint()
    start(cp, 1)
    transaction_id_of(csms, cp.identity)
    wait_for_status(csms, cp.identity, 1, "Charging")

    assert ocpp_call(csms, cp.identity, "Reset", {"type": "Soft"}) == {"status": "Accepted"}
    wait_rebooted(csms, cp, boots=2)

    assert cp.api.connector(1)["plugged"] is True
    after_stop = [s for f in csms.call_frames("StatusNotification", cp.identity)
                  if f.seq > csms.call_frames("StopTransaction", cp.identity)[0].seq
                  and f.payload["connectorId"] == 1 for s in [f.payload["status"]]]
    assert after_stop[0] == "Finishing", f"connector 1 after the reset's StopTransaction: {after_stop}"
    assert cp.api.connector(1)["status"] == "Finishing"


def test_hard_reset_reboots_at_once_and_delivers_the_stop_after_the_new_boot(csms, chargepoint):
    cp = chargepoint()
    start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)

    assert cp.api.ok_json("POST", "/api/v1/reset", 202, json={"type": "Hard"}) == {"status": "Accepted"}
    wait_rebooted(csms, cp, boots=2)
    stop = csms.wait_for_calls("StopTransaction", cp.identity)[0]

    stop_frames = csms.call_frames("StopTransaction", cp.identity)
    second_boot = boot_frames(csms, cp.identity)[1]
    assert len(stop_frames) == 1
    assert (stop["transactionId"], stop["reason"]) == (transaction_id, "HardReset")
    assert stop_frames[0].connection == second_boot.connection and stop_frames[0].seq > second_boot.seq
    cp.api.wait_status(queuedMessages=0)
    latest = cp.api.transactions()[0]
    assert (latest["transactionId"], latest["stopReason"], latest["pendingDelivery"]) == \
        (transaction_id, "HardReset", False)

    assert ocpp_call(csms, cp.identity, "Reset", {"type": "Hard"}) == {"status": "Accepted"}
    wait_rebooted(csms, cp, boots=3)
    assert len(csms.calls("StopTransaction", cp.identity)) == 1
    assert_problem(cp.api.post("/api/v1/reset", json={"type": "Gentle"}), 422)


# ----- ClearCache, DataTransfer (reference §6.5, §6.15) -------------------------------------------

def test_clear_cache_forgets_what_authorize_taught(csms, chargepoint):
    cp = chargepoint(ocpp_config={"LocalPreAuthorize": "true"})

    first = cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG1"})
    second = cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG1"})
    assert (first["source"], second["source"]) == ("centralSystem", "cache")
    assert second["status"] == "Accepted"
    assert len(csms.calls("Authorize", cp.identity)) == 1

    assert ocpp_call(csms, cp.identity, "ClearCache") == {"status": "Accepted"}
    third = cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG1"})
    assert third == {"idTag": "TAG1", "status": "Accepted", "source": "centralSystem"}
    assert csms.calls("Authorize", cp.identity) == [{"idTag": "TAG1"}, {"idTag": "TAG1"}]


def test_data_transfer_to_an_unknown_vendor(csms, chargepoint):
    cp = chargepoint()

    assert ocpp_call(csms, cp.identity, "DataTransfer",
                     {"vendorId": "com.example.nobody", "messageId": "Ping", "data": "x"}) == \
        {"status": "UnknownVendorId"}
    assert ocpp_call(csms, cp.identity, "DataTransfer", {"vendorId": "org.openchargealliance"}) == \
        {"status": "UnknownVendorId"}


# ----- Configuration keys of the feature profiles (reference §5) -----------------------------------

# key -> (readonly, expected value or None when the value is not pinned)
FEATURE_KEYS = {
    "SupportedFeatureProfiles": (True, PROFILES),
    "LocalAuthListEnabled": (False, None),
    "LocalAuthListMaxLength": (True, None),
    "SendLocalListMaxLength": (True, None),
    "ReserveConnectorZeroSupported": (True, "true"),
    "ChargeProfileMaxStackLevel": (True, None),
    "ChargingScheduleAllowedChargingRateUnit": (True, None),
    "ChargingScheduleMaxPeriods": (True, None),
    "MaxChargingProfilesInstalled": (True, None),
    "SupportedFileTransferProtocols": (True, None),
    "ClockAlignedDataInterval": (False, "0"),
    "MeterValuesAlignedData": (False, None),
    "MeterValuesAlignedDataMaxLength": (True, None),
    "StopTxnAlignedData": (False, None),
    "StopTxnAlignedDataMaxLength": (True, None),
    "AuthorizationCacheEnabled": (False, None),
    "LocalAuthorizeOffline": (False, None),
    "LocalPreAuthorize": (False, None),
}
READ_ONLY_CHANGES = [
    ("SupportedFeatureProfiles", "Core"),
    ("LocalAuthListMaxLength", "5"),
    ("SendLocalListMaxLength", "5"),
    ("ReserveConnectorZeroSupported", "false"),
    ("ChargeProfileMaxStackLevel", "3"),
    ("ChargingScheduleAllowedChargingRateUnit", "Power"),
    ("ChargingScheduleMaxPeriods", "2"),
    ("MaxChargingProfilesInstalled", "2"),
    ("SupportedFileTransferProtocols", "HTTP"),
]
VALUE_CHANGES = [  # (key, value, expected status), in this order
    ("MeterValuesAlignedData", "Energy.Active.Import.Register,No.Such.Measurand", "Rejected"),
    ("MeterValuesAlignedData", "Energy.Active.Import.Register,Power.Active.Import", "Accepted"),
    ("StopTxnAlignedData", "Bogus", "Rejected"),
    ("StopTxnAlignedData", "Energy.Active.Import.Register", "Accepted"),
    ("StopTxnAlignedData", "", "Accepted"),
    ("MeterValuesSampledData", "Energy.Active.Import.Register,Power.Offered", "Accepted"),
    ("MeterValuesSampledData", "Power.Offered,Energy.Active.Import.Registers", "Rejected"),
    ("ClockAlignedDataInterval", "-5", "Rejected"),
    ("ClockAlignedDataInterval", "soon", "Rejected"),
    ("ClockAlignedDataInterval", "900", "Accepted"),
    ("LocalAuthListEnabled", "maybe", "Rejected"),
    ("LocalAuthListEnabled", "false", "Accepted"),
    ("LocalAuthorizeOffline", "true", "Accepted"),
]
VALUES_AFTER = {
    "MeterValuesAlignedData": "Energy.Active.Import.Register,Power.Active.Import",
    "StopTxnAlignedData": "",
    "MeterValuesSampledData": "Energy.Active.Import.Register,Power.Offered",
    "ClockAlignedDataInterval": "900",
    "LocalAuthListEnabled": "false",
    "LocalAuthorizeOffline": "true",
}


def configuration(csms, identity, keys):
    answer = ocpp_call(csms, identity, "GetConfiguration", {"key": keys})
    return {entry["key"]: entry for entry in answer.get("configurationKey", [])}, answer.get("unknownKey", [])


def test_feature_profile_keys_are_reported_and_read_only_ones_refuse_changes(csms, chargepoint):
    cp = chargepoint()

    entries, unknown = configuration(csms, cp.identity, list(FEATURE_KEYS))
    assert unknown == []
    assert set(entries) == set(FEATURE_KEYS)
    assert {k: e["readonly"] for k, e in entries.items()} == {k: ro for k, (ro, _) in FEATURE_KEYS.items()}
    pinned = {k: v for k, (_, v) in FEATURE_KEYS.items() if v is not None}
    assert {k: entries[k].get("value") for k in pinned} == pinned
    assert set(entries["ChargingScheduleAllowedChargingRateUnit"]["value"].split(",")) <= {"Current", "Power"}
    assert "HTTP" in entries["SupportedFileTransferProtocols"]["value"].split(",")
    for key in ("LocalAuthListMaxLength", "SendLocalListMaxLength", "ChargeProfileMaxStackLevel",
                "ChargingScheduleMaxPeriods", "MaxChargingProfilesInstalled"):
        assert int(entries[key]["value"]) > 0, entries[key]

    refused = {key: ocpp_call(csms, cp.identity, "ChangeConfiguration", {"key": key, "value": value})["status"]
               for key, value in READ_ONLY_CHANGES}
    assert refused == {key: "Rejected" for key, _ in READ_ONLY_CHANGES}
    after, _ = configuration(csms, cp.identity, [key for key, _ in READ_ONLY_CHANGES])
    assert {k: after[k].get("value") for k in after} == {k: entries[k].get("value") for k in after}

    answers = [(key, value, ocpp_call(csms, cp.identity, "ChangeConfiguration",
                                      {"key": key, "value": value})["status"])
               for key, value, _ in VALUE_CHANGES]
    assert answers == VALUE_CHANGES
    changed, _ = configuration(csms, cp.identity, list(VALUES_AFTER))
    assert {k: changed[k].get("value") for k in VALUES_AFTER} == VALUES_AFTER


def test_clock_aligned_meter_values_follow_the_grid_and_reach_stop_transaction(csms, chargepoint):
    cp = chargepoint(ocpp_config={"MeterValueSampleInterval": "0"})
    for key, value in [("MeterValuesAlignedData", f"{ENERGY},{POWER}"), ("StopTxnAlignedData", ENERGY),
                       ("ClockAlignedDataInterval", str(ALIGNED_INTERVAL_S))]:
        assert ocpp_call(csms, cp.identity, "ChangeConfiguration", {"key": key, "value": value}) == \
            {"status": "Accepted"}

    main_meter = csms.wait_for_calls("MeterValues", cp.identity, 1, where=lambda p: p["connectorId"] == 0,
                                     timeout=3 * ALIGNED_INTERVAL_S + 2)
    assert all("transactionId" not in p for p in main_meter)
    _check_aligned(meter_value_objects(main_meter))

    cp.api.set_meter(1, powerW=7400)
    started = start(cp, 1)
    transaction_id = transaction_id_of(csms, cp.identity)
    aligned = csms.wait_for_calls("MeterValues", cp.identity, 2, timeout=3 * ALIGNED_INTERVAL_S + 2,
                                  where=lambda p: p.get("transactionId") == transaction_id)
    assert {p["connectorId"] for p in aligned} == {1}
    values = meter_value_objects(aligned)
    _check_aligned(values)
    assert set(readings(values, POWER)) == {7400.0}

    stopped = cp.api.ok_json("POST", "/api/v1/connectors/1/stop", json={})
    stop = csms.wait_for_calls("StopTransaction", cp.identity)[0]
    data = stop["transactionData"]
    assert_sample_types(data)
    samples = sampled_values(data)
    assert {s["measurand"] for s in samples} == {ENERGY}
    assert readings(data, ENERGY, "Transaction.Begin") == [started["meterStartWh"]]
    assert readings(data, ENERGY, "Transaction.End") == [stopped["meterStopWh"]]
    clock = [s for s in samples if s["context"] == "Sample.Clock"]
    sent = {mv["timestamp"]: readings([mv], ENERGY) for mv in meter_value_objects(
        [p for p in csms.calls("MeterValues", cp.identity) if p.get("transactionId") == transaction_id])}
    assert len(clock) >= 2
    for sample in clock:
        assert sent.get(sample["timestamp"]) == [float(sample["value"])], \
            f"StopTxnAlignedData value {sample} differs from the Sample.Clock MeterValues {sent}"
    start_time, stop_time = parse_time(started["startedAt"]), parse_time(stopped["stoppedAt"])
    assert all(start_time <= parse_time(s["timestamp"]) <= stop_time for s in clock)
    assert [s["context"] for s in samples][0] == "Transaction.Begin"
    assert [s["context"] for s in samples][-1] == "Transaction.End"


def _check_aligned(meter_values):
    """Sample.Clock readings of the configured measurands, stamped on the interval grid (from midnight UTC)."""
    assert_sample_types(meter_values)
    samples = sampled_values(meter_values)
    assert {s["context"] for s in samples} == {"Sample.Clock"}
    assert {s["measurand"] for s in samples} == {ENERGY, POWER}
    for meter_value in meter_values:
        stamp = parse_time(meter_value["timestamp"])
        midnight = stamp.replace(hour=0, minute=0, second=0, microsecond=0)
        assert (stamp - midnight).total_seconds() % ALIGNED_INTERVAL_S == 0, \
            f"{meter_value['timestamp']} is not on the {ALIGNED_INTERVAL_S} s grid"
    times = [mv["timestamp"] for mv in meter_values]
    assert_unique(times, "Sample.Clock timestamps")


def test_local_list_cache_profiles_and_configuration_survive_a_restart(csms, chargepoint):
    cp = chargepoint(ocpp_config={"LocalPreAuthorize": "true"})
    list_entry = {"idTag": "LIST1", "idTagInfo": {"status": "Accepted"}}
    tx_default = {"chargingProfileId": 7, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
                  "chargingProfileKind": "Relative",
                  "chargingSchedule": {"chargingRateUnit": "A",
                                       "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10.0}]}}
    assert ocpp_call(csms, cp.identity, "SendLocalList", {"listVersion": 3, "updateType": "Full",
                                                          "localAuthorizationList": [list_entry]}) == \
        {"status": "Accepted"}
    assert ocpp_call(csms, cp.identity, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": tx_default}) \
        == {"status": "Accepted"}
    assert ocpp_call(csms, cp.identity, "ChangeConfiguration", {"key": "ClockAlignedDataInterval", "value": "900"}) \
        == {"status": "Accepted"}
    assert cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG1"})["source"] == "centralSystem"
    listed_before = cp.api.ok_json("GET", "/api/v1/local-list")
    profiles_before = cp.api.ok_json("GET", "/api/v1/charging-profiles")

    cp.restart()
    wait_rebooted(csms, cp, boots=2)

    assert ocpp_call(csms, cp.identity, "GetLocalListVersion") == {"listVersion": 3}
    assert cp.api.ok_json("GET", "/api/v1/local-list") == listed_before
    assert cp.api.ok_json("GET", "/api/v1/charging-profiles") == profiles_before
    assert cp.api.connector(1)["limitW"] == 10 * 230 * 3
    configured = ocpp_call(csms, cp.identity, "GetConfiguration", {"key": ["ClockAlignedDataInterval"]})
    assert configured["configurationKey"][0]["value"] == "900"
    cached = cp.api.ok_json("POST", "/api/v1/authorize", json={"idTag": "TAG1"})
    assert (cached["status"], cached["source"]) == ("Accepted", "cache")
    assert len(csms.calls("Authorize", cp.identity)) == 1
