"""OCPP 2.0.1 functional blocks C (authorization, the cache) and D (the local list), end to end: the real
`chargepoint serve --ocpp 2.0.1` against the PyPI `ocpp` 2.0.1 central system, which validates every
frame against the official 2.0.1 schemas; tokens are authorized through `POST /api/v1/authorize`."""

from __future__ import annotations

import pytest
from ocpp.v201 import call

from conftest import running_csms


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def authorize(station, id_tag: str, **body) -> dict:
    return station.api.ok_json("POST", "/api/v1/authorize", json={"idTag": id_tag, **body})


def local_list_version(csms, station) -> int:
    return csms.call(station.identity, call.GetLocalListVersion()).version_number


def test_TC_C_02_CS_and_TC_C_06_CS_the_csms_verdict_of_any_status(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert authorize(station, "UNKNOWN7") == {
        "idTag": "UNKNOWN7", "type": "ISO14443", "status": "Invalid", "source": "centralSystem"}
    assert authorize(station, "BLOCKED1", type="KeyCode")["status"] == "Blocked"
    assert [a["idToken"] for a in csms.calls("Authorize", station.identity)] == [
        {"idToken": "UNKNOWN7", "type": "ISO14443"}, {"idToken": "BLOCKED1", "type": "KeyCode"}]


def test_an_accepted_token_is_then_answered_from_the_cache_and_TC_C_37_CS_clear_cache_empties_it(
        csms, chargepoint):
    station = chargepoint(connectors=1)
    assert authorize(station, "TAG1")["source"] == "centralSystem"
    assert authorize(station, "tag1")["source"] == "cache"
    assert len(csms.calls("Authorize", station.identity)) == 1
    assert csms.call(station.identity, call.ClearCache()).status == "Accepted"
    assert authorize(station, "TAG1")["source"] == "centralSystem"


def test_TC_C_38_CS_clear_cache_is_rejected_while_the_cache_is_disabled(csms, chargepoint):
    station = chargepoint(connectors=1)
    result = csms.call(station.identity, call.SetVariables(set_variable_data=[
        {"component": {"name": "AuthCacheCtrlr"}, "variable": {"name": "Enabled"}, "attribute_value": "false"}]))
    assert result.set_variable_result[0]["attribute_status"] == "Accepted"
    assert csms.call(station.identity, call.ClearCache()).status == "Rejected"


def test_TC_D_09_CS_without_a_list_the_version_is_0(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert local_list_version(csms, station) == 0


def test_TC_D_01_CS_and_TC_D_08_CS_a_full_list_answers_without_the_csms_and_survives_a_restart(
        csms, chargepoint):
    station = chargepoint(connectors=1)
    result = csms.call(station.identity, call.SendLocalList(version_number=3, update_type="Full", local_authorization_list=[
        {"id_token": {"id_token": "FLEET-7", "type": "ISO14443"}, "id_token_info": {"status": "Accepted"}}]))
    assert result.status == "Accepted"
    assert local_list_version(csms, station) == 3
    assert authorize(station, "fleet-7")["source"] == "localList"
    assert csms.calls("Authorize", station.identity) == []
    entries = station.api.ok_json("GET", "/api/v1/configuration/LocalAuthListCtrlr.Entries")
    assert entries["value"] == "1"
    # TC_D_07: persistent over reboot.
    station.restart()
    station.wait_registered()
    assert local_list_version(csms, station) == 3
    assert authorize(station, "FLEET-7")["source"] == "localList"


def test_TC_D_06_CS_a_differential_update_that_is_not_newer_is_a_version_mismatch(csms, chargepoint):
    station = chargepoint(connectors=1)
    full = call.SendLocalList(version_number=2, update_type="Full")
    assert csms.call(station.identity, full).status == "Accepted"
    stale = call.SendLocalList(version_number=2, update_type="Differential", local_authorization_list=[
        {"id_token": {"id_token": "FLEET-7", "type": "ISO14443"}, "id_token_info": {"status": "Accepted"}}])
    assert csms.call(station.identity, stale).status == "VersionMismatch"
    assert local_list_version(csms, station) == 2
