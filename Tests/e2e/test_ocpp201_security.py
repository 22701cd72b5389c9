"""OCPP 2.0.1 security profiles (A00, A01), end to end against the PyPI `ocpp` 2.0.1 central system:
profile 1 sends `Authorization: Basic identity:BasicAuthPassword` with the password as UTF-8 text,
profile 2 adds TLS with a verified server certificate, profile 3 authenticates with the client
certificate only. SetVariables(BasicAuthPassword) makes the station connect again with the new
password, which never shows; a refused connection is reported with one SecurityEventNotification
once the link is back."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from ocpp.v201 import call

from csms import server_tls
from harness import security_events, unique_identity, wait_security_event
from test_api_security import run_serve
from test_security_profiles import (MODERN_TLS, RECONNECT_TIMEOUT_S, basic_value, key_file, new_key, profile_args,
                                    wait_handshake)

V201 = {"ocpp_version": "2.0.1"}


@pytest.fixture
def csms(csms_factory):
    return csms_factory(**V201)


def security_variable(csms, identity: str, name: str) -> dict:
    result = csms.call(identity, call.GetVariables(get_variable_data=[
        {"component": {"name": "SecurityCtrlr"}, "variable": {"name": name}}]))
    return result.get_variable_result[0]


def set_password(csms, identity: str, password: str) -> str:
    result = csms.call(identity, call.SetVariables(set_variable_data=[{
        "component": {"name": "SecurityCtrlr"}, "variable": {"name": "BasicAuthPassword"},
        "attribute_value": password}]))
    return result.set_variable_result[0]["attribute_status"]


def test_TC_A_01_CS_profile_1_sends_the_identity_and_password_as_basic_auth(csms, chargepoint, tmp_path):
    identity, password = unique_identity(), new_key()
    csms.settings.basic_auth = {identity: password.encode()}
    station = chargepoint(identity=identity, args=profile_args(1, key_file(tmp_path, password)))

    [handshake] = csms.handshakes(identity)
    assert handshake.accepted and handshake.tls_version is None
    assert (handshake.basic_user, handshake.basic_password) == (identity, password.encode())
    assert security_variable(csms, station.identity, "SecurityProfile")["attribute_value"] == "1"
    unread = security_variable(csms, station.identity, "BasicAuthPassword")
    assert unread["attribute_status"] == "Rejected" and "attribute_value" not in unread


def test_profile_2_connects_over_tls_with_basic_auth(csms_factory, chargepoint, tmp_path, pki):
    root = pki.root_ca()
    server = pki.server_certificate(root)
    identity, password = unique_identity(), new_key()
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path), basic_auth={identity: password.encode()},
                            **V201)
    station = chargepoint(tls_csms, identity=identity, csms_url=f"wss://localhost:{tls_csms.port}/ocpp",
                          args=profile_args(2, key_file(tmp_path, password), root.cert_path))

    [handshake] = tls_csms.handshakes(identity)
    assert handshake.accepted and handshake.tls_version in MODERN_TLS
    assert handshake.path == f"/ocpp/{identity}"
    assert (handshake.basic_user, handshake.basic_password) == (identity, password.encode())
    assert security_variable(tls_csms, station.identity, "SecurityProfile")["attribute_value"] == "2"


def test_profile_3_authenticates_with_the_client_certificate_only(csms_factory, chargepoint, pki):
    root = pki.root_ca()
    server = pki.server_certificate(root)
    identity = unique_identity()
    client = pki.client_certificate(root, identity)
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path, client_certs="required",
                                       client_ca=root.cert_path), **V201)
    station = chargepoint(tls_csms, identity=identity, csms_url=f"wss://localhost:{tls_csms.port}",
                          args=profile_args(3, ca=root.cert_path, client=client))

    [handshake] = tls_csms.handshakes(identity)
    assert handshake.accepted and handshake.tls_version in MODERN_TLS
    assert handshake.client_certificate == client.certificate.public_bytes(Encoding.DER)
    assert handshake.authorization is None, "profile 3 sends no Authorization header"
    assert security_variable(tls_csms, station.identity, "SecurityProfile")["attribute_value"] == "3"


def test_TC_A_09_CS_a_new_password_reconnects_with_it_is_kept_and_never_shows(csms, chargepoint, tmp_path):
    identity, old, new = unique_identity(), new_key(), new_key()
    csms.settings.basic_auth = {identity: old.encode()}
    station = chargepoint(identity=identity, args=profile_args(1, key_file(tmp_path, old)))

    csms.settings.basic_auth = {identity: new.encode()}  # from now on only the new password opens the door
    assert set_password(csms, identity, new) == "Accepted"
    assert wait_handshake(csms, identity, since=1).basic_password == new.encode()
    station.api.wait_status(RECONNECT_TIMEOUT_S, link="connected", registration="Accepted")
    assert csms.handshakes(identity, accepted=False) == [], "the old password was tried against the CSMS"
    event = wait_security_event(csms, identity, "ReconfigurationOfSecurityParameters")
    assert new not in str(event)

    secrets = [old, new, basic_value(identity, old.encode()), basic_value(identity, new.encode())]
    for path in ["/api/v1/configuration", "/api/v1/status", "/metrics", "/api/v1/messages?limit=1000"]:
        response = station.api.get(path)
        assert response.status_code == 200, path
        assert not [secret for secret in secrets if secret in response.text], f"{path} shows the password"
    assert "(hidden)" in station.api.get("/api/v1/messages?limit=1000").text, "the SetVariables frame is listed"

    station.restart()  # the password from the CSMS wins over --auth-key-file from now on
    assert wait_handshake(csms, identity, since=2).basic_password == new.encode()
    assert csms.handshakes(identity, accepted=False) == []


def test_TC_A_10_CS_a_password_of_the_wrong_length_is_rejected(csms, chargepoint, tmp_path):
    identity, password = unique_identity(), new_key()
    csms.settings.basic_auth = {identity: password.encode()}
    station = chargepoint(identity=identity, args=profile_args(1, key_file(tmp_path, password)))
    assert set_password(csms, station.identity, "short") == "Rejected"
    assert set_password(csms, station.identity, "x" * 41) == "Rejected"
    assert len(csms.handshakes(identity)) == 1, "a rejected password changes nothing"


def test_a_refused_password_is_reported_once_the_link_is_back(csms, chargepoint, tmp_path):
    identity, right, wrong = unique_identity(), new_key(), new_key()
    csms.settings.basic_auth = {identity: right.encode()}
    station = chargepoint(identity=identity, registered=False, args=profile_args(1, key_file(tmp_path, wrong)))
    csms.wait_for(lambda: len(csms.handshakes(identity, accepted=False)) >= 2 or None, 15, "two refused connects")
    assert all(h.status == 401 for h in csms.handshakes(identity, accepted=False))

    csms.settings.basic_auth = {identity: wrong.encode()}  # the CSMS now knows the station's password
    station.api.wait_status(RECONNECT_TIMEOUT_S, link="connected", registration="Accepted")
    wait_security_event(csms, identity, "FailedToAuthenticateAtCsms")
    assert len(security_events(csms, identity, "FailedToAuthenticateAtCsms")) == 1


@pytest.mark.parametrize("case", ["no-password", "short-password", "no-certificate", "hex"])
def test_a_profile_without_its_credentials_is_refused_at_start(tmp_path, case):
    args, message = {
        "no-password": (["--security-profile", "1"], "BasicAuthPassword"),
        "short-password": (profile_args(2, key_file(tmp_path, "short")), "BasicAuthPassword"),
        "no-certificate": (["--security-profile", "3"], "client certificate"),
        "hex": (profile_args(1, key_file(tmp_path, new_key())) + ["--auth-key-encoding", "hex"], "--auth-key-encoding"),
    }[case]
    result = run_serve(tmp_path, "--ocpp", "2.0.1", *args)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_A04_the_boot_and_a_hardware_event_reach_the_csms_and_the_security_log(csms, chargepoint):
    station = chargepoint(connectors=1)
    startup = wait_security_event(csms, station.identity, "StartupOfTheDevice")
    assert startup["timestamp"]

    reported = station.api.ok_json("POST", "/api/v1/security-events", 201,
                                   json={"type": "TamperDetectionActivated", "techInfo": "cover opened"})
    assert (reported["type"], reported["critical"], reported["techInfo"]) == \
        ("TamperDetectionActivated", True, "cover opened")
    tamper = wait_security_event(csms, station.identity, "TamperDetectionActivated")
    assert tamper["techInfo"] == "cover opened"
    listed = station.api.ok_json("GET", "/api/v1/security-events")["events"]
    assert [event["type"] for event in listed] == ["StartupOfTheDevice", "TamperDetectionActivated"]
