"""`chargepoint fleet`: hundreds of stations in one process against the PyPI `ocpp` central system (every frame
checked against the official schemas) and against `chargepoint csms`; the single-station API of each station
under /api/v1/stations/{id}/; a kill -9 of the whole fleet loses no station's transaction."""

from __future__ import annotations

import subprocess

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import running_csms
from csms import wait_until
from harness import (FleetProcess, assert_problem, binary_path, meter_value_objects, meter_values_for, ocpp_call,
                     readings, status_sequence)
from test_builtin_csms import BuiltinCsms


FLEET_SIZE = 200


@pytest.fixture
def fleets(tmp_path):
    started: list[FleetProcess] = []

    def start(csms_urls: list[str], count: int, *, args: list[str] = (), directory: str = "fleet",
              prefix: str | None = None) -> FleetProcess:
        fleet = FleetProcess(csms_urls, tmp_path / directory, count, args=list(args), prefix=prefix)
        started.append(fleet)
        return fleet.start()
    try:
        yield start
    finally:
        for fleet in started:
            fleet.terminate()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
def test_every_station_of_a_fleet_boots_against_the_ocpp_central_system(fleets, version):
    with running_csms(ocpp_version=version) as csms:
        fleet = fleets([csms.url], FLEET_SIZE, args=["--ocpp", version, "--connectors", "1"])
        fleet.wait_all_accepted()
        boots = {identity: csms.calls("BootNotification", identity) for identity in fleet.identities}
        assert all(len(calls) == 1 for calls in boots.values()), \
            {identity: len(calls) for identity, calls in boots.items() if len(calls) != 1}
        member = "connectorId" if version == "1.6" else "evseId"
        csms.wait_for(lambda: all(any(call[member] == 1 for call in csms.calls("StatusNotification", identity))
                                  for identity in fleet.identities), 30, "a StatusNotification of every station")

        page = fleet.api.ok_json("GET", "/api/v1/stations", params={"limit": 50, "offset": 100})
        assert (page["total"], page["offset"], page["limit"], len(page["stations"])) == (FLEET_SIZE, 100, 50, 50)
        assert [station["identity"] for station in page["stations"]] == fleet.identities[100:150]
        assert {station["ocppVersion"] for station in page["stations"]} == {version}
        assert fleet.api.ok_json("GET", "/readyz") == {"status": "ready"}
        metrics = fleet.api.get("/metrics").text
        assert f'chargepoint_fleet_stations{{link="connected",registration="Accepted"}} {FLEET_SIZE}' in metrics
        # Every station's commits went through the fleet's group commit (each new database is one at least).
        families = {family.name: family for family in text_string_to_metric_families(metrics)}
        commits = families["chargepoint_fleet_store_commits"].samples[0].value
        syncs = families["chargepoint_fleet_store_syncs"].samples[0].value
        assert commits >= FLEET_SIZE and 0 < syncs <= commits, (commits, syncs)
        csms.assert_no_violations()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
def test_sessions_of_many_stations_reach_the_central_system_with_their_meter_readings(fleets, version):
    with running_csms(ocpp_version=version) as csms:
        fleet = fleets([csms.url], 50, args=["--ocpp", version, "--connectors", "1"])
        fleet.wait_all_accepted()
        charging = fleet.identities[::5]
        stopped = {}
        for number, identity in enumerate(charging):
            station = fleet.station_api(identity)
            started = station.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": f"TAG{number % 3 + 1}"})
            if number == 0:
                busy = "Charging" if version == "1.6" else "Occupied"

                def listed(status):
                    page = fleet.api.ok_json("GET", "/api/v1/stations", params={"status": status})
                    return page["total"], [entry["identity"] for entry in page["stations"]][:1]
                csms.wait_for(lambda: listed(busy) == (1, [identity]), 10, f"{identity} alone listed as {busy}")
                assert listed("Available") == (49, [fleet.identities[1]])
            register = started["meterStartWh"] + 1000 + number
            station.set_meter(1, energyWh=register)
            stopped[identity] = station.ok_json("POST", "/api/v1/connectors/1/stop", json={})
            assert stopped[identity]["meterStopWh"] == register
        for identity, transaction in stopped.items():
            if version == "1.6":
                stop = csms.wait_for_calls("StopTransaction", identity)[0]
                assert (stop["transactionId"], stop["meterStop"]) == \
                    (transaction["transactionId"], transaction["meterStopWh"])
            else:
                ended = csms.wait_for(
                    lambda: [event for event in csms.calls("TransactionEvent", identity)
                             if event["eventType"] == "Ended"], 15, f"the Ended event of {identity}")[0]
                assert ended["transactionInfo"]["transactionId"] == transaction["transactionId"]
                registers = [float(sampled["value"]) for meter_value in ended["meterValue"]
                             for sampled in meter_value["sampledValue"]
                             if sampled.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register"]
                assert transaction["meterStopWh"] in registers, ended
        idle = set(fleet.identities) - set(charging)
        assert not any(csms.calls("StopTransaction" if version == "1.6" else "TransactionEvent", identity)
                       for identity in idle)
        csms.assert_no_violations()


def test_a_kill_of_the_fleet_loses_no_stations_transaction(fleets):
    with running_csms() as csms:
        fleet = fleets([csms.url], 40, args=["--connectors", "1"])
        fleet.wait_all_accepted()
        charging = fleet.identities[::4]
        started = {identity: fleet.station_api(identity).ok_json(
            "POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"}) for identity in charging}

        fleet.kill()
        fleet.start()
        fleet.wait_all_accepted()
        for identity, transaction in started.items():
            station = fleet.station_api(identity)
            connector = station.connector(1)
            assert connector["transaction"] is not None, f"{identity} lost its transaction"
            assert connector["transaction"]["transactionId"] == transaction["transactionId"]
            stopped = station.ok_json("POST", "/api/v1/connectors/1/stop", json={})
            stop = csms.wait_for_calls("StopTransaction", identity)[0]
            assert (stop["transactionId"], stop["meterStop"]) == (transaction["transactionId"], stopped["meterStopWh"])
            assert len(csms.calls("StartTransaction", identity)) == 1
        csms.assert_no_violations()


def test_a_mixed_fleet_against_the_built_in_central_system(fleets, tmp_path):
    central = BuiltinCsms(tmp_path, args=["--log-level", "info"]).start()
    try:
        fleet = fleets([central.url], 300, args=["--ocpp", "mix", "--connectors", "2"])
        fleet.wait_all_accepted()
        versions = [station["ocppVersion"] for station in fleet.stations()["stations"]]
        assert versions[:4] == ["1.6", "2.0.1", "1.6", "2.0.1"] and versions.count("2.0.1") == 150
        known = wait_until(lambda: (lambda body: body if len(body["stations"]) == 300 else None)(
            central.api.ok_json("GET", "/api/v1/stations")), 30, "the central system's list of 300 stations")
        assert {station["identity"] for station in known["stations"]} == set(fleet.identities)
        # Any station's single-station API works through the fleet, 2.0.1 ones too.
        station = fleet.station_api(fleet.identity(2))
        assert station.status()["ocppVersion"] == "2.0.1"
        assert station.ok_json("POST", "/api/v1/connectors/2/start", 201, json={"idTag": "TAG3"})["evseId"] == 2
    finally:
        central.stop()


def test_the_fleet_api_answers_problems_for_what_it_does_not_have(fleets):
    with running_csms() as csms:
        fleet = fleets([csms.url], 3)
        assert_problem(fleet.api.get("/api/v1/stations/NOPE/status"), 404)
        assert_problem(fleet.api.get("/api/v1/stations", params={"link": "sideways"}), 422)
        assert_problem(fleet.api.get("/api/v1/stations", params={"limit": "0"}), 422)
        assert "identity" in assert_problem(fleet.api.post("/api/v1/stations"), 422)["detail"]
        assert_problem(fleet.api.put("/api/v1/stations"), 405)
        assert_problem(fleet.api.get("/api/v1/status"), 404)
        assert_problem(fleet.station_api(fleet.identity(1)).get("/api/v1/connectors/9"), 404)


@pytest.mark.parametrize("flags, message", [
    (["--id-pattern", "CP{00}", "--count", "100"], "no room for station number 100"),
    (["--id-pattern", "CP-X"], "--id-pattern 'CP-X' has no {0000}"),
    (["--ocpp", "1.9"], "--ocpp must be 1.6, 2.0.1 or mix"),
    (["--csms-distribution", "nearest"], "--csms-distribution must be round-robin, random, by-station"),
    (["--count", "0"], "--count must be a whole number of at least 1"),
    (["--id-pattern", "CP{0000000}", "--count", "1000000"], "open files"),
])
def test_an_impossible_fleet_is_refused_at_start_with_what_to_change(tmp_path, flags, message):
    result = subprocess.run([str(binary_path()), "fleet", "--data-dir", str(tmp_path / "data"), *flags],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 64, result
    assert message in result.stderr, result.stderr


def first_cards(csms, fleet) -> dict[tuple[int, int], str]:
    """The card of the first session on every connector, by station number and connector."""
    cards = {}
    for number in range(1, fleet.count + 1):
        for start in csms.calls("StartTransaction", fleet.identity(number)):
            cards.setdefault((number, start["connectorId"]), start["idTag"])
    return cards


def test_generated_drivers_charge_with_vehicles_and_the_same_seed_brings_the_same_ones(fleets):
    traffic = ["--traffic", "on", "--session-interval", "1", "--seed", "4242", "--id-tags", "TAG1,TAG2,TAG3",
               "--connectors", "2", "--ocpp-config", "MeterValueSampleInterval=1"]
    with running_csms() as csms:
        first = fleets([csms.url], 6, args=traffic, directory="first", prefix="SEEDA-")
        csms.wait_for(lambda: len(first_cards(csms, first)) == 12, 30, "a session on every connector")
        state = first.api.ok_json("GET", "/api/v1/traffic")
        assert state["running"] is True and state["seed"] == 4242 and state["sessions"] >= 12
        assert set(first_cards(csms, first).values()) <= {"TAG1", "TAG2", "TAG3"}

        # The vehicle's demand is what the meter measures: an 11 kW on-board charger below its knee.
        identity = first.identity(1)
        start = csms.calls("StartTransaction", identity)[0]
        transaction_id = next(t["transactionId"] for t in first.station_api(identity).transactions()
                              if t["connectorId"] == start["connectorId"])
        csms.wait_for(lambda: 11000.0 in readings(meter_value_objects(meter_values_for(csms, identity, transaction_id)),
                                                  "Power.Active.Import"), 15, "MeterValues with the vehicle's 11 kW")

        # A session the central system ends sends the driver away with the car.
        assert ocpp_call(csms, identity, "RemoteStopTransaction", {"transactionId": transaction_id}) == \
            {"status": "Accepted"}
        stop = csms.wait_for_calls("StopTransaction", identity)[0]
        assert (stop["transactionId"], stop["reason"]) == (transaction_id, "Remote")

        def unplugged_after_the_stop():
            sequence = status_sequence(csms, identity, start["connectorId"])
            return "Finishing" in sequence and "Available" in sequence[sequence.index("Finishing"):]
        csms.wait_for(unplugged_after_the_stop, 15, "the car taken away after the remote stop (Available)")

        families = {family.name: family for family in text_string_to_metric_families(first.api.get("/metrics").text)}
        assert families["chargepoint_fleet_vehicles_charging"].samples[0].value >= 11
        assert families["chargepoint_fleet_vehicle_energy_joules"].samples[0].value > 0
        starts = [sample for sample in families["chargepoint_fleet_ocpp_call_duration_seconds"].samples
                  if sample.name.endswith("_count") and sample.labels == {"ocpp_version": "1.6", "action": "StartTransaction"}]
        assert starts and starts[0].value >= 12, "every station's StartTransaction round trip, added up"
        assert families["process_resident_memory_bytes"].samples[0].value > 0

        assert first.api.ok_json("PUT", "/api/v1/traffic", json={"running": False})["running"] is False
        assert_problem(first.api.put("/api/v1/traffic", json={"running": "yes"}), 422)

        csms.assert_no_violations()
        cards = first_cards(csms, first)
    with running_csms() as csms:
        # The same fleet (its identities pick each station's stream of the seed), against a fresh CSMS.
        second = fleets([csms.url], 6, args=traffic, directory="second", prefix="SEEDA-")
        csms.wait_for(lambda: len(first_cards(csms, second)) == 12, 30, "a session on every connector")
        assert first_cards(csms, second) == cards


def test_without_vehicles_there_is_no_traffic(fleets):
    with running_csms() as csms:
        fleet = fleets([csms.url], 2, args=["--vehicles", "off"])
        assert_problem(fleet.api.get("/api/v1/traffic"), 409)


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
def test_a_remote_start_gets_its_car_plugged_in_after_the_delay(fleets, version):
    with running_csms(ocpp_version=version) as csms:
        fleet = fleets([csms.url], 2, args=["--ocpp", version, "--connectors", "1"])
        fleet.wait_all_accepted()
        identity = fleet.identity(2)
        if version == "1.6":
            answer = ocpp_call(csms, identity, "RemoteStartTransaction", {"connectorId": 1, "idTag": "TAG1"})
            started = csms.wait_for_calls("StartTransaction", identity, timeout=15)[0]
            assert started["idTag"] == "TAG1"
        else:
            answer = ocpp_call(csms, identity, "RequestStartTransaction",
                               {"evseId": 1, "remoteStartId": 7, "idToken": {"idToken": "TAG1", "type": "ISO14443"}})
            csms.wait_for(lambda: [event for event in csms.calls("TransactionEvent", identity)
                                   if event["eventType"] == "Started"], 15, "the Started event")
        assert answer["status"] == "Accepted"
        connector = fleet.station_api(identity).wait_connector(
            1, lambda c: c["plugged"] and c["transaction"] is not None and c["powerW"] > 0, 10, "the car charging")
        assert connector["powerW"] <= 11000
        assert not csms.calls("StartTransaction" if version == "1.6" else "TransactionEvent", fleet.identity(1))


def test_two_fleet_processes_share_one_central_system_with_disjoint_identities(fleets):
    """Beyond one process: each replica (its number as a StatefulSet pod's name ends in it) takes its own range."""
    with running_csms() as csms:
        pods = [fleets([csms.url], 50, args=["--replica", f"chargepoint-fleet-{n}"], directory=f"pod{n}",
                       prefix="POD-") for n in (0, 1)]
        for pod in pods:
            pod.wait_all_accepted()
        listed = [[station["identity"] for station in pod.stations()["stations"]] for pod in pods]
        assert listed[0] == [f"POD-{n:04d}" for n in range(1, 51)]
        assert listed[1] == [f"POD-{n:04d}" for n in range(51, 101)]
        booted = {identity for identity in listed[0] + listed[1] if csms.calls("BootNotification", identity)}
        assert len(booted) == 100


def test_a_fleet_file_gives_each_group_its_own_stations(fleets, tmp_path):
    with running_csms() as csms:
        fleet_file = tmp_path / "fleet.yaml"
        fleet_file.write_text(f"""
groups:
  - count: 3
    idPattern: "AC-{{00}}"
    connectors: 2
    vendor: ACME
  - count: 2
    idPattern: "DC-{{00}}"
    idOffset: 10
    connectors: 1
    vendor: Volta
    csms: {csms.url}
    ocppConfig: {{MeterValueSampleInterval: "77"}}
""")
        fleet = fleets(["ws://127.0.0.1:9"], 5, args=["--fleet-file", str(fleet_file)])
        # The first group takes its CSMS from --csms (nothing listens there), the second from the file.
        wait_until(lambda: fleet.stations(registration="Accepted")["total"] == 2, 30, "the DC group Accepted")
        listed = {station["identity"]: station for station in fleet.stations()["stations"]}
        assert list(listed) == ["AC-01", "AC-02", "AC-03", "DC-10", "DC-11"]
        assert [listed[name]["connectorCount"] for name in listed] == [2, 2, 2, 1, 1]
        assert {csms.calls("BootNotification", name)[0]["chargePointVendor"] for name in ("DC-10", "DC-11")} == \
            {"Volta"}
        assert not any(csms.calls("BootNotification", name) for name in ("AC-01", "AC-02", "AC-03"))
        configuration = fleet.station_api("DC-10").ok_json("GET", "/api/v1/configuration/MeterValueSampleInterval")
        assert configuration["value"] == "77"


def test_a_fleet_file_with_a_mistake_is_refused_with_where_it_is(tmp_path):
    fleet_file = tmp_path / "fleet.yaml"
    fleet_file.write_text("groups:\n  - count: 2\n    conectors: 4\n")
    result = subprocess.run([str(binary_path()), "fleet", "--fleet-file", str(fleet_file),
                             "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=30)
    assert result.returncode == 64, result
    assert "groups.0.conectors: unknown key" in result.stderr, result.stderr


def test_cutting_a_share_of_the_links_is_an_outage_the_stations_live_through(fleets):
    with running_csms() as csms:
        fleet = fleets([csms.url], 20, args=["--connectors", "1"])
        fleet.wait_all_accepted()
        charging = fleet.identity(3)
        started = fleet.station_api(charging).ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})

        cut = fleet.api.ok_json("POST", "/api/v1/links/cut", json={"share": 0.25})["cut"]
        assert len(cut) == 5 and len(set(cut)) == 5 and set(cut) <= set(fleet.identities)
        cut += fleet.api.ok_json("POST", "/api/v1/links/cut", json={"stations": [charging]})["cut"]
        assert fleet.api.ok_json("GET", "/api/v1/links")["cut"] == [i for i in fleet.identities if i in cut]
        wait_until(lambda: {s["identity"] for s in fleet.stations(link="disconnected")["stations"]} == set(cut),
                   15, "exactly the cut stations disconnected")
        assert fleet.stations(link="connected")["total"] == 20 - len(cut)

        # A session ends during the outage; its StopTransaction waits for the link.
        stopped = fleet.station_api(charging).ok_json("POST", "/api/v1/connectors/1/stop", json={})
        assert not csms.calls("StopTransaction", charging)

        restored = fleet.api.ok_json("POST", "/api/v1/links/restore", json={})["restored"]
        assert sorted(restored) == sorted(cut)
        fleet.wait_all_accepted()
        stop = csms.wait_for_calls("StopTransaction", charging, timeout=15)[0]
        assert (stop["transactionId"], stop["meterStop"]) == (started["transactionId"], stopped["meterStopWh"])
        assert fleet.api.ok_json("GET", "/api/v1/links") == {"cut": []}

        assert_problem(fleet.api.post("/api/v1/links/cut", json={"share": 1.5}), 422)
        assert_problem(fleet.api.post("/api/v1/links/cut", json={}), 422)
        assert_problem(fleet.api.post("/api/v1/links/cut", json={"stations": ["NOPE"]}), 404)
        csms.assert_no_violations()


def test_stations_join_and_leave_a_running_fleet(fleets):
    with running_csms() as csms:
        fleet = fleets([csms.url], 3, args=["--connectors", "1"])
        fleet.wait_all_accepted()
        response = fleet.api.post("/api/v1/stations", json={"identity": "LATE-1", "connectors": 2})
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == "/api/v1/stations/LATE-1"
        assert (response.json()["identity"], response.json()["connectorCount"]) == ("LATE-1", 2)
        late = fleet.station_api("LATE-1")
        late.wait_status(link="connected", registration="Accepted")
        assert fleet.stations()["total"] == 4 and fleet.stations()["stations"][-1]["identity"] == "LATE-1"
        started = late.ok_json("POST", "/api/v1/connectors/2/start", 201, json={"idTag": "TAG1"})

        assert_problem(fleet.api.post("/api/v1/stations", json={"identity": "LATE-1"}), 409)
        assert_problem(fleet.api.post("/api/v1/stations", json={"identity": "a/b"}), 422)
        assert_problem(fleet.api.post("/api/v1/stations", json={"identity": "X", "ocpp": "2.0.1"}), 422)
        assert_problem(fleet.api.post("/api/v1/stations", json={"identity": "Y", "csms": "http://nope"}), 422)

        def open_files() -> float:
            families = text_string_to_metric_families(fleet.api.get("/metrics").text)
            return next(family for family in families if family.name == "process_open_fds").samples[0].value

        before = open_files()
        assert fleet.api.delete("/api/v1/stations/LATE-1").status_code == 204
        assert_problem(fleet.api.get("/api/v1/stations/LATE-1"), 404)
        assert_problem(fleet.api.delete("/api/v1/stations/LATE-1"), 404)
        wait_until(lambda: not csms.is_connected("LATE-1"), 10, "LATE-1's link closed")
        # Freed, not just stopped: its database, journal and shared memory, its socket and its loop's wake-up.
        wait_until(lambda: open_files() <= before - 4, 10, "the removed station's files closed")

        # Back again: its data folder kept the transaction it had.
        assert fleet.api.post("/api/v1/stations", json={"identity": "LATE-1", "connectors": 2}).status_code == 201
        late.wait_status(link="connected", registration="Accepted")
        assert late.connector(2)["transaction"]["transactionId"] == started["transactionId"]
        csms.assert_no_violations()
