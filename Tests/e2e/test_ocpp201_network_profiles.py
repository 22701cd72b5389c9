"""OCPP 2.0.1 network connection profiles (B09, B10), end to end: SetNetworkProfile stores a profile, a
NetworkConfigurationPriority that lists it takes effect at the next boot, and a profile that cannot connect
falls back to the next one, with a BootNotification to whichever CSMS answers."""

from __future__ import annotations

import socket

import pytest
from ocpp.v201 import call

from conftest import running_csms

FAST_RECONNECT = {"OCPPCommCtrlr.RetryBackOffWaitMinimum": "0", "OCPPCommCtrlr.RetryBackOffRandomRange": "0"}


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def profile(url: str, security_profile: int = 0) -> dict:
    return {"ocpp_version": "OCPP20", "ocpp_transport": "JSON", "ocpp_csms_url": url, "message_timeout": 20,
            "security_profile": security_profile, "ocpp_interface": "Wired0"}


def set_profile(csms, station, slot: int, data: dict):
    return csms.call(station.identity, call.SetNetworkProfile(configuration_slot=slot, connection_data=data))


def set_priority(csms, station, slots: str) -> str:
    """SetVariables(NetworkConfigurationPriority); its attributeStatus."""
    result = csms.call(station.identity, call.SetVariables(set_variable_data=[{
        "component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "NetworkConfigurationPriority"},
        "attribute_value": slots}]))
    return result.set_variable_result[0]["attribute_status"]


def read(csms, station, name: str, instance: str | None = None) -> str:
    variable = {"name": name, **({"instance": instance} if instance else {})}
    result = csms.call(station.identity, call.GetVariables(get_variable_data=[
        {"component": {"name": "OCPPCommCtrlr"}, "variable": variable}]))
    return result.get_variable_result[0]["attribute_value"]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_TC_B_43_CS_profiles_the_station_cannot_use_are_rejected(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert set_profile(csms, station, 9, profile(csms.url)).status_info["reason_code"] == "InvalidConfSlot"
    refused = set_profile(csms, station, 2, profile(csms.url, security_profile=3))
    assert (refused.status, refused.status_info["reason_code"]) == ("Rejected", "InvalidNetworkConf")
    assert set_priority(csms, station, "2,1") == "Rejected", "slot 2 holds no profile"


def test_TC_B_45_CS_a_new_profile_first_in_the_priority_is_used_after_the_reset(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert set_profile(csms, station, 2, profile(csms.url + "/migrated")).status == "Accepted"
    assert set_priority(csms, station, "2,1") == "RebootRequired"
    assert read(csms, station, "ActiveNetworkProfile") == "1"
    assert csms.call(station.identity, call.Reset(type="OnIdle")).status == "Accepted"
    csms.wait_for_calls("BootNotification", station.identity, count=2)
    latest = csms.handshakes(station.identity, accepted=True)[-1]
    assert latest.path.startswith("/migrated/"), latest.path
    station.wait_registered()
    assert station.api.status()["csmsUrl"] == f"{csms.url}/migrated/{station.identity}"
    assert read(csms, station, "ActiveNetworkProfile") == "2"
    assert read(csms, station, "MessageTimeout", "Default") == "20"


def test_TC_B_46_CS_a_profile_that_cannot_connect_falls_back_to_the_next(csms, chargepoint):
    station = chargepoint(connectors=1, ocpp_config={**FAST_RECONNECT, "OCPPCommCtrlr.NetworkProfileConnectionAttempts": "2"})
    dead = f"ws://127.0.0.1:{unused_port()}"
    assert set_profile(csms, station, 2, profile(dead)).status == "Accepted"
    assert set_priority(csms, station, "2,1") == "RebootRequired"
    assert csms.call(station.identity, call.Reset(type="Immediate")).status == "Accepted"
    # Two refused attempts at slot 2, then slot 1 (this CSMS) again, with a BootNotification.
    csms.wait_for_calls("BootNotification", station.identity, count=2, timeout=30)
    assert csms.calls("BootNotification", station.identity)[1]["reason"] == "RemoteReset"
    station.wait_registered()
    assert read(csms, station, "ActiveNetworkProfile") == "1"
    log = station.log_path.read_text()
    assert f"now connecting to {dead}/" in log, "slot 2 was never tried"
    assert "trying network profile 1" in log
