"""OCPP 2.0.1 functional block M (InstallCertificate, GetInstalledCertificateIds, DeleteCertificate) and the
station's own certificate (A02: TriggerMessage SignChargingStationCertificate, SignCertificate,
CertificateSigned), end to end from the PyPI `ocpp` 2.0.1 central system (every frame checked against the
official schemas) to the real `chargepoint serve --ocpp 2.0.1`, with the throw-away PKI of pki.py. The
certificate the CSMS signs is then what the station presents over real mutual TLS (security profile 3),
also after a restart. Test names carry the OCA compliance test cases (Charging Station side) they cover."""

from __future__ import annotations

import json
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from csms import server_tls
from harness import ocpp_call, security_events, unique_identity, wait_security_event
from ocpp201_helpers import set_variables, settle201
from pki import certificate_hash_data, load_csr, name_attribute
from test_security_profiles import MODERN_TLS, RECONNECT_TIMEOUT_S, profile_args, wait_handshake

V201 = {"ocpp_version": "2.0.1"}
ORGANIZATION = "E2E CPO"


@pytest.fixture
def csms(csms_factory):
    return csms_factory(**V201)


@pytest.fixture
def root(pki):
    return pki.root_ca()


def install(csms, identity: str, certificate_type: str, certificate_pem: str) -> str:
    payload = {"certificateType": certificate_type, "certificate": certificate_pem}
    return ocpp_call(csms, identity, "InstallCertificate", payload)["status"]


def installed_ids(csms, identity: str, *types: str) -> dict:
    return ocpp_call(csms, identity, "GetInstalledCertificateIds", {"certificateType": list(types)} if types else {})


def delete(csms, identity: str, hash_data: dict) -> str:
    return ocpp_call(csms, identity, "DeleteCertificate", {"certificateHashData": hash_data})["status"]


def entry(certificate_type: str, certificate: x509.Certificate) -> dict:
    return {"certificateType": certificate_type, "certificateHashData": certificate_hash_data(certificate)}


def request_certificate(csms, station) -> str:
    """TriggerMessage(SignChargingStationCertificate): Accepted, then the CSR of the SignCertificate."""
    before = len(csms.calls("SignCertificate", station.identity))
    answer = ocpp_call(csms, station.identity, "TriggerMessage", {"requestedMessage": "SignChargingStationCertificate"})
    assert answer["status"] == "Accepted", answer
    request = csms.wait_for_calls("SignCertificate", station.identity, before + 1)[-1]
    assert request["certificateType"] == "ChargingStationCertificate"
    return request["csr"]


def certificate_signed(csms, identity: str, chain_pem: str) -> str:
    payload = {"certificateChain": chain_pem, "certificateType": "ChargingStationCertificate"}
    return ocpp_call(csms, identity, "CertificateSigned", payload)["status"]


# ----- M05 InstallCertificate, M03 GetInstalledCertificateIds, M04 DeleteCertificate -------------

def test_TC_M_01_CS_a_csms_root_is_installed_listed_by_hash_data_and_kept_across_a_restart(csms, chargepoint, root):
    station = chargepoint(csms)
    assert installed_ids(csms, station.identity, "CSMSRootCertificate") == {"status": "NotFound"}
    assert install(csms, station.identity, "CSMSRootCertificate", root.pem) == "Accepted"
    assert install(csms, station.identity, "CSMSRootCertificate", root.pem) == "Accepted", "the same root replaces itself"

    station.restart()
    station.wait_registered()
    assert installed_ids(csms, station.identity, "CSMSRootCertificate") == {
        "status": "Accepted", "certificateHashDataChain": [entry("CSMSRootCertificate", root.certificate)]}


def test_TC_M_17_CS_csms_and_manufacturer_roots_are_reported_by_type(csms, chargepoint, pki, root):
    manufacturer = pki.manufacturer_root(key_kind="rsa")
    station = chargepoint(csms)
    assert install(csms, station.identity, "CSMSRootCertificate", root.pem) == "Accepted"
    assert install(csms, station.identity, "ManufacturerRootCertificate", manufacturer.pem) == "Accepted"

    both = installed_ids(csms, station.identity, "CSMSRootCertificate", "ManufacturerRootCertificate")
    assert both == {"status": "Accepted", "certificateHashDataChain": [
        entry("CSMSRootCertificate", root.certificate), entry("ManufacturerRootCertificate", manufacturer.certificate)]}
    assert installed_ids(csms, station.identity) == both, "no type asks for every type"
    assert installed_ids(csms, station.identity, "ManufacturerRootCertificate")["certificateHashDataChain"] == [
        entry("ManufacturerRootCertificate", manufacturer.certificate)]
    assert installed_ids(csms, station.identity, "V2GCertificateChain", "MORootCertificate") == {"status": "NotFound"}


def test_TC_M_20_CS_and_TC_M_22_CS_a_certificate_is_deleted_by_its_hash_data_and_then_not_found(
        csms, chargepoint, pki, root):
    manufacturer = pki.manufacturer_root()
    station = chargepoint(csms)
    assert install(csms, station.identity, "CSMSRootCertificate", root.pem) == "Accepted"
    assert install(csms, station.identity, "ManufacturerRootCertificate", manufacturer.pem) == "Accepted"

    assert delete(csms, station.identity, certificate_hash_data(root.certificate)) == "Accepted"
    assert delete(csms, station.identity, certificate_hash_data(root.certificate)) == "NotFound"
    assert delete(csms, station.identity, certificate_hash_data(pki.root_ca("Never Installed").certificate)) == "NotFound"
    assert installed_ids(csms, station.identity) == {
        "status": "Accepted", "certificateHashDataChain": [entry("ManufacturerRootCertificate", manufacturer.certificate)]}


@pytest.mark.parametrize("case", ["expired", "not-pem", "two-certificates", "a-key"])
def test_what_is_not_one_valid_certificate_is_rejected(csms, chargepoint, pki, root, case):
    expired = pki.expired_server_certificate(root)
    pem = {"expired": expired.pem, "not-pem": "hello", "two-certificates": root.pem + expired.pem,
           "a-key": root.key_path.read_text()}[case]
    station = chargepoint(csms)
    assert install(csms, station.identity, "CSMSRootCertificate", pem) == "Rejected"
    assert installed_ids(csms, station.identity) == {"status": "NotFound"}


def test_malformed_certificate_requests_get_the_right_callerror(csms, chargepoint):
    station = chargepoint(csms)
    cases = [("InstallCertificate", {"certificateType": "CSMSRootCertificate"}, "OccurrenceConstraintViolation"),
             ("InstallCertificate", {"certificateType": "OwnRoot", "certificate": "x"}, "PropertyConstraintViolation"),
             ("GetInstalledCertificateIds", {"certificateType": []}, "OccurrenceConstraintViolation"),
             ("CertificateSigned", {"certificateChain": "x" * 10_001}, "PropertyConstraintViolation")]
    for action, payload, code in cases:
        reply = csms.call_raw(station.identity, json.dumps([2, f"bad-{action}", action, payload]))
        assert reply[0] == 4 and reply[2] == code, (action, payload, reply)
    station.api.wait_status(5, link="connected", registration="Accepted")


# ----- A02 the station's certificate, signed by the CSMS -----------------------------------------

def test_without_an_organization_name_the_trigger_is_rejected(csms, chargepoint):
    station = chargepoint(csms)
    answer = ocpp_call(csms, station.identity, "TriggerMessage", {"requestedMessage": "SignChargingStationCertificate"})
    assert answer["status"] == "Rejected"
    settle201(csms, station)
    assert csms.calls("SignCertificate", station.identity) == []


@pytest.mark.parametrize("case", ["untrusted-issuer", "other-key", "not-a-chain"])
def test_TC_A_14_CS_an_invalid_certificate_is_rejected_and_reported(csms, chargepoint, pki, root, case):
    station = chargepoint(csms)
    assert install(csms, station.identity, "CSMSRootCertificate", root.pem) == "Accepted"
    set_variables(csms, station, {"SecurityCtrlr.OrganizationName": ORGANIZATION})
    csr = request_certificate(csms, station)
    chain = {
        "untrusted-issuer": lambda: pki.sign_csr(pki.root_ca("Unrelated CA"), csr),
        "other-key": lambda: pki.client_certificate(root, station.identity, ORGANIZATION).chain_pem,
        "not-a-chain": lambda: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    }[case]()
    assert certificate_signed(csms, station.identity, chain) == "Rejected"
    event = wait_security_event(csms, station.identity, "InvalidChargingStationCertificate")
    assert "PRIVATE KEY" not in json.dumps(event)


@pytest.mark.parametrize("answer, sent", [("Rejected", 1), ("Accepted", 2)])
def test_TC_A_15_CS_a_refused_request_ends_while_an_unanswered_one_is_sent_again(
        csms_factory, chargepoint, answer, sent):
    csms = csms_factory(sign_certificate_status=answer, **V201)
    station = chargepoint(csms, ocpp_config={"SecurityCtrlr.OrganizationName": ORGANIZATION,
                                             "SecurityCtrlr.CertSigningWaitMinimum": "1",
                                             "SecurityCtrlr.CertSigningRepeatTimes": "1"})
    csr = request_certificate(csms, station)
    time.sleep(4)  # the resend is due after 1 s
    requests = csms.calls("SignCertificate", station.identity)
    assert len(requests) == sent
    assert {request["csr"] for request in requests} == {csr}, "a resend carries the same CSR"


def test_TC_A_11_CS_the_signed_certificate_is_used_over_mutual_tls_at_once_and_after_a_restart(
        csms_factory, chargepoint, pki, root):
    identity = unique_identity()
    installer_certificate = pki.client_certificate(root, identity, ORGANIZATION)
    server = pki.server_certificate(root)
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path, client_certs="required",
                                       client_ca=root.cert_path), **V201)
    station = chargepoint(tls_csms, identity=identity, csms_url=f"wss://localhost:{tls_csms.port}",
                          args=profile_args(3, ca=root.cert_path, client=installer_certificate))
    [first] = tls_csms.handshakes(identity, accepted=True)
    assert first.client_certificate == installer_certificate.certificate.public_bytes(Encoding.DER)
    assert install(tls_csms, identity, "CSMSRootCertificate", root.pem) == "Accepted"
    set_variables(tls_csms, station, {"SecurityCtrlr.OrganizationName": ORGANIZATION})

    csr_pem = request_certificate(tls_csms, station)
    csr = load_csr(csr_pem)
    assert csr.is_signature_valid
    boot = tls_csms.calls("BootNotification", identity)[0]["chargingStation"]
    assert name_attribute(csr.subject, NameOID.COMMON_NAME) == boot.get("serialNumber", identity)
    assert name_attribute(csr.subject, NameOID.ORGANIZATION_NAME) == ORGANIZATION
    chain = pki.sign_csr(pki.intermediate_ca(root), csr_pem)
    assert certificate_signed(tls_csms, identity, chain) == "Accepted"

    signed = x509.load_pem_x509_certificates(chain.encode())[0].public_bytes(Encoding.DER)
    reconnected = wait_handshake(tls_csms, identity, since=1)
    assert reconnected.client_certificate == signed and reconnected.tls_version in MODERN_TLS
    assert reconnected.authorization is None
    station.api.wait_status(RECONNECT_TIMEOUT_S, link="connected", registration="Accepted")
    assert security_events(tls_csms, identity, "InvalidChargingStationCertificate") == []

    station.restart()
    assert wait_handshake(tls_csms, identity, since=2).client_certificate == signed
    for path in ["/api/v1/configuration", "/api/v1/status", "/api/v1/messages?limit=1000"]:
        assert "PRIVATE KEY" not in station.api.get(path).text, f"{path} shows a private key"
