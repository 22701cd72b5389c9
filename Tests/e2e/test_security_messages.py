"""The security extension's messages end to end (OCPP 1.6 security whitepaper, edition 2):
InstallCertificate / GetInstalledCertificateIds / DeleteCertificate with SHA256 CertificateHashData
and the CertificateStoreMaxLength limit; ExtendedTriggerMessage for every message it names;
SignCertificate (a PKCS#10 CSR with CN = identity and O = CpoName) and CertificateSigned (accepted
only for the CSR's key under a trusted CSMS root, and then used for profile 3); GetLog of both log
types as an HTTP PUT with LogStatusNotification; SignedUpdateFirmware with ECDSA and RSA signatures,
a tampered image and an untrusted signing certificate; the critical security events
(StartupOfTheDevice, ResetOrReboot, FirmwareUpdated) delivered even across a crash, listed by
GET /api/v1/security-events; and a CSMS without the security extension (CALLERROR InternalError,
as CitrineOS 1.8 answers) that still keeps a working link."""

from __future__ import annotations

import secrets

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from csms import CALLERROR, CALLRESULT, parse_time, server_tls
from harness import (assert_problem, boot_frames, calls_since, change_configuration, configuration_value, get_configuration,
                     holds_for, last_seq, ocpp_call, security_events, settle, unique_identity, utc_in,
                     wait_security_event)
from pki import certificate_hash_data, name_attribute, sign_bytes

CPO_NAME = "E2E Test CPO"
FIRMWARE_NAME = "signed-9.9.9.bin"
FIRMWARE_BYTES = b"\x7fELF" + bytes(range(256)) * 64
TRANSFER_TIMEOUT_S = 20
REBOOT_TIMEOUT_S = 20
CERTIFICATE_STORE_MAX_LENGTH = 10
SIGNED_FIRMWARE_SUCCESS = ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting",
                           "Installed"]


# ----- helpers ---------------------------------------------------------------------------------

def install(csms, identity: str, certificate_type: str, certificate_pem: str) -> str:
    return ocpp_call(csms, identity, "InstallCertificate",
                     {"certificateType": certificate_type, "certificate": certificate_pem})["status"]


def installed_ids(csms, identity: str, certificate_type: str) -> dict:
    return ocpp_call(csms, identity, "GetInstalledCertificateIds", {"certificateType": certificate_type})


def delete(csms, identity: str, hash_data: dict) -> str:
    return ocpp_call(csms, identity, "DeleteCertificate", {"certificateHashData": hash_data})["status"]


def extended_trigger(csms, identity: str, message: str, connector_id: int | None = None) -> str:
    payload = {"requestedMessage": message}
    if connector_id is not None:
        payload["connectorId"] = connector_id
    return ocpp_call(csms, identity, "ExtendedTriggerMessage", payload)["status"]


def signed_firmware_frames(csms, identity: str) -> list:
    return csms.call_frames("SignedFirmwareStatusNotification", identity)


def signed_firmware_statuses(csms, identity: str) -> list[str]:
    return [p["status"] for p in csms.calls("SignedFirmwareStatusNotification", identity)]


def log_statuses(csms, identity: str) -> list[tuple[str, int | None]]:
    return [(p["status"], p.get("requestId")) for p in csms.calls("LogStatusNotification", identity)]


def rest_security_events(cp) -> list[dict]:
    body = cp.api.ok_json("GET", "/api/v1/security-events")
    assert set(body) == {"events"}, body
    for event in body["events"]:
        assert set(event) == {"type", "timestamp", "techInfo", "critical"}, event
        assert isinstance(event["type"], str) and isinstance(event["timestamp"], str), event
        assert event["techInfo"] is None or isinstance(event["techInfo"], str), event
        assert isinstance(event["critical"], bool), event
    times = [parse_time(e["timestamp"]) for e in body["events"]]
    assert times == sorted(times), f"security events are not oldest first: {body}"
    return body["events"]


def request_certificate(csms, cp) -> str:
    """Set CpoName, trigger SignChargePointCertificate and return the CSR the charge point sends."""
    assert change_configuration(csms, cp.identity, "CpoName", CPO_NAME) == "Accepted"
    before = len(csms.calls("SignCertificate", cp.identity))
    assert extended_trigger(csms, cp.identity, "SignChargePointCertificate") == "Accepted"
    return csms.wait_for_calls("SignCertificate", cp.identity, before + 1)[-1]["csr"]


def certificate_signed(csms, identity: str, chain_pem: str) -> str:
    return ocpp_call(csms, identity, "CertificateSigned", {"certificateChain": chain_pem})["status"]


@pytest.fixture
def root(pki):
    return pki.root_ca()


# ----- certificate store -----------------------------------------------------------------------

def test_installed_certificates_are_listed_by_hash_data_kept_and_deleted(csms, chargepoint, pki, root):
    manufacturer = pki.manufacturer_root(key_kind="rsa")
    cp = chargepoint()
    assert installed_ids(csms, cp.identity, "CentralSystemRootCertificate")["status"] == "NotFound"

    assert install(csms, cp.identity, "CentralSystemRootCertificate", root.pem) == "Accepted"
    assert install(csms, cp.identity, "ManufacturerRootCertificate", manufacturer.pem) == "Accepted"
    cp.restart()
    cp.api.wait_status(REBOOT_TIMEOUT_S, link="connected", registration="Accepted")

    root_hash, manufacturer_hash = certificate_hash_data(root.certificate), certificate_hash_data(manufacturer.certificate)
    assert installed_ids(csms, cp.identity, "CentralSystemRootCertificate") == \
        {"status": "Accepted", "certificateHashData": [root_hash]}
    assert installed_ids(csms, cp.identity, "ManufacturerRootCertificate") == \
        {"status": "Accepted", "certificateHashData": [manufacturer_hash]}

    assert delete(csms, cp.identity, root_hash) == "Accepted"
    assert delete(csms, cp.identity, root_hash) == "NotFound"
    assert installed_ids(csms, cp.identity, "CentralSystemRootCertificate")["status"] == "NotFound"
    assert installed_ids(csms, cp.identity, "ManufacturerRootCertificate")["certificateHashData"] == [manufacturer_hash]


def test_install_certificate_rejects_what_is_not_a_certificate(csms, chargepoint, root):
    cp = chargepoint()
    not_certificates = ["hello", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                        root.key_path.read_text()]
    for text in not_certificates:
        assert install(csms, cp.identity, "CentralSystemRootCertificate", text) == "Rejected", text[:40]
    assert installed_ids(csms, cp.identity, "CentralSystemRootCertificate")["status"] == "NotFound"


def test_the_certificate_store_holds_at_most_certificate_store_max_length(csms, chargepoint, pki):
    cp = chargepoint()
    entries = get_configuration(csms, cp.identity, ["CertificateStoreMaxLength"])["configurationKey"]
    assert entries == [{"key": "CertificateStoreMaxLength", "readonly": True,
                        "value": str(CERTIFICATE_STORE_MAX_LENGTH)}]
    assert change_configuration(csms, cp.identity, "CertificateStoreMaxLength", "20") == "Rejected"

    roots = [pki.root_ca(f"Root {n}") for n in range(CERTIFICATE_STORE_MAX_LENGTH + 1)]
    for authority in roots[:-1]:
        assert install(csms, cp.identity, "CentralSystemRootCertificate", authority.pem) == "Accepted"
    assert install(csms, cp.identity, "CentralSystemRootCertificate", roots[-1].pem) == "Rejected"
    assert install(csms, cp.identity, "ManufacturerRootCertificate", roots[-1].pem) == "Rejected"
    listed = installed_ids(csms, cp.identity, "CentralSystemRootCertificate")["certificateHashData"]
    assert sorted(h["serialNumber"] for h in listed) == \
        sorted(certificate_hash_data(r.certificate)["serialNumber"] for r in roots[:-1])


# ----- ExtendedTriggerMessage ------------------------------------------------------------------

@pytest.mark.parametrize("requested, action, connector_id", [
    ("Heartbeat", "Heartbeat", None),
    ("StatusNotification", "StatusNotification", 1),
    ("MeterValues", "MeterValues", 1),
    ("FirmwareStatusNotification", "SignedFirmwareStatusNotification", None),
    ("LogStatusNotification", "LogStatusNotification", None),
])
def test_extended_trigger_message_sends_the_requested_message(csms, chargepoint, requested, action, connector_id):
    cp = chargepoint()
    marker = last_seq(csms)

    assert extended_trigger(csms, cp.identity, requested, connector_id) == "Accepted"
    frame = csms.wait_for(lambda: next(iter(calls_since(csms, cp.identity, marker, action)), None), 10,
                          f"{action} after ExtendedTriggerMessage {requested}")
    if connector_id is not None:
        assert frame.payload["connectorId"] == connector_id, frame.payload
    if action in ("SignedFirmwareStatusNotification", "LogStatusNotification"):
        assert frame.payload["status"] == "Idle", frame.payload


def test_extended_trigger_of_boot_notification_is_rejected_once_accepted(csms, chargepoint):
    """As for TriggerMessage ([ERR] 3.35): a registered charge point has nothing to boot."""
    cp = chargepoint()
    boots = len(csms.calls("BootNotification", cp.identity))
    assert extended_trigger(csms, cp.identity, "BootNotification") == "Rejected"
    settle(csms, cp)
    assert len(csms.calls("BootNotification", cp.identity)) == boots


def test_sign_charge_point_certificate_needs_a_cpo_name(csms, chargepoint):
    cp = chargepoint()
    assert extended_trigger(csms, cp.identity, "SignChargePointCertificate") == "Rejected"
    settle(csms, cp)
    assert csms.calls("SignCertificate", cp.identity) == []


# ----- SignCertificate / CertificateSigned -----------------------------------------------------

def test_the_csr_names_the_identity_and_cpo_and_its_signed_certificate_is_accepted(csms, chargepoint, pki, root):
    cp = chargepoint()
    assert install(csms, cp.identity, "CentralSystemRootCertificate", root.pem) == "Accepted"

    csr_pem = request_certificate(csms, cp)
    assert csr_pem.lstrip().startswith("-----BEGIN CERTIFICATE REQUEST-----"), csr_pem[:80]
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    assert csr.is_signature_valid
    assert name_attribute(csr.subject, NameOID.COMMON_NAME) == cp.identity
    assert name_attribute(csr.subject, NameOID.ORGANIZATION_NAME) == CPO_NAME

    chain = pki.sign_csr(pki.intermediate_ca(root), csr_pem)
    assert certificate_signed(csms, cp.identity, chain) == "Accepted"
    settle(csms, cp)
    assert security_events(csms, cp.identity, "InvalidChargePointCertificate") == []


@pytest.mark.parametrize("case", ["untrusted-issuer", "other-key", "not-a-chain"])
def test_a_certificate_that_does_not_fit_is_rejected_and_reported(csms, chargepoint, pki, root, case):
    cp = chargepoint()
    assert install(csms, cp.identity, "CentralSystemRootCertificate", root.pem) == "Accepted"
    csr_pem = request_certificate(csms, cp)
    chain = {
        "untrusted-issuer": lambda: pki.sign_csr(pki.root_ca("Unrelated CA"), csr_pem),
        "other-key": lambda: pki.client_certificate(root, cp.identity, CPO_NAME).chain_pem,
        "not-a-chain": lambda: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    }[case]()

    assert certificate_signed(csms, cp.identity, chain) == "Rejected"
    wait_security_event(csms, cp.identity, "InvalidChargePointCertificate")


def test_the_signed_certificate_is_what_profile_3_presents(csms_factory, chargepoint, pki, root, tmp_path):
    identity, key = unique_identity(), secrets.token_urlsafe(18)
    server = pki.server_certificate(root)
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path, client_certs="optional",
                                       client_ca=root.cert_path), basic_auth={identity: key.encode()})
    key_path = tmp_path / "auth-key"
    key_path.write_text(key)
    cp = chargepoint(tls_csms, identity=identity, args=["--security-profile", "2", "--auth-key-file", str(key_path),
                                                        "--ca-file", str(root.cert_path)])
    assert change_configuration(tls_csms, identity, "SecurityProfile", "3") == "Rejected", "no client certificate yet"

    chain = pki.sign_csr(root, request_certificate(tls_csms, cp))
    assert certificate_signed(tls_csms, identity, chain) == "Accepted"
    assert change_configuration(tls_csms, identity, "SecurityProfile", "3") == "Accepted"

    def mutual():
        return next((h for h in tls_csms.handshakes(identity, accepted=True) if h.client_certificate), None)
    handshake = tls_csms.wait_for(mutual, 40, "a handshake with the signed client certificate")
    leaf = x509.load_pem_x509_certificates(chain.encode())[0]
    assert handshake.client_certificate == leaf.public_bytes(Encoding.DER)
    assert handshake.authorization is None
    cp.api.wait_status(40, link="connected")
    assert configuration_value(tls_csms, identity, "SecurityProfile") == "3"


# ----- GetLog --------------------------------------------------------------------------------

@pytest.mark.parametrize("log_type", ["DiagnosticsLog", "SecurityLog"])
def test_get_log_uploads_one_file_with_put_and_reports_its_status(csms, chargepoint, file_server, log_type):
    cp = chargepoint()
    wait_security_event(csms, cp.identity, "StartupOfTheDevice")
    request_id = 4711

    answer = ocpp_call(csms, cp.identity, "GetLog", {"logType": log_type, "requestId": request_id,
                                                     "log": {"remoteLocation": f"{file_server.url}/logs"}})
    assert answer["status"] == "Accepted" and set(answer) == {"status", "filename"}, answer
    filename = answer["filename"]
    assert 0 < len(filename) <= 255 and "/" not in filename
    csms.wait_for(lambda: ("Uploaded", request_id) in log_statuses(csms, cp.identity), TRANSFER_TIMEOUT_S, "Uploaded")

    assert log_statuses(csms, cp.identity) == [("Uploading", request_id), ("Uploaded", request_id)]
    puts = file_server.seen("PUT")
    assert [r.path for r in puts] == [f"/logs/{filename}"]
    assert puts[0].body, "the uploaded log is empty"
    if log_type == "SecurityLog":
        text = puts[0].body.decode(errors="replace")
        assert "StartupOfTheDevice" in text, text[:500]


def test_get_log_to_a_failing_server_reports_upload_failure(csms, chargepoint, file_server):
    file_server.put_status = 500
    cp = chargepoint()

    ocpp_call(csms, cp.identity, "GetLog", {"logType": "DiagnosticsLog", "requestId": 8, "retries": 0,
                                            "log": {"remoteLocation": f"{file_server.url}/logs"}})
    csms.wait_for(lambda: ("UploadFailure", 8) in log_statuses(csms, cp.identity), TRANSFER_TIMEOUT_S,
                  "UploadFailure")
    statuses = log_statuses(csms, cp.identity)
    assert statuses[0] == ("Uploading", 8) and statuses[-1] == ("UploadFailure", 8), statuses
    assert "Uploaded" not in [s for s, _ in statuses]
    assert file_server.seen("PUT"), "no upload was tried"


# ----- SignedUpdateFirmware ---------------------------------------------------------------------

def signed_update(csms, identity: str, location: str, signer, signature: str, request_id: int) -> str:
    return ocpp_call(csms, identity, "SignedUpdateFirmware", {
        "requestId": request_id, "retries": 0,
        "firmware": {"location": location, "retrieveDateTime": utc_in(0), "signingCertificate": signer.pem,
                     "signature": signature}})["status"]


@pytest.mark.parametrize("key_kind", ["ec", "rsa"])
def test_a_signed_firmware_update_verifies_installs_reboots_and_reports(csms, chargepoint, pki, file_server, key_kind):
    manufacturer = pki.manufacturer_root()
    signer = pki.firmware_signing_certificate(manufacturer, key_kind=key_kind)
    file_server.files["/fw/" + FIRMWARE_NAME] = FIRMWARE_BYTES
    cp = chargepoint()
    assert install(csms, cp.identity, "ManufacturerRootCertificate", manufacturer.pem) == "Accepted"

    assert signed_update(csms, cp.identity, f"{file_server.url}/fw/{FIRMWARE_NAME}", signer,
                         sign_bytes(signer.key, FIRMWARE_BYTES), 21) == "Accepted"
    csms.wait_for(lambda: "Installed" in signed_firmware_statuses(csms, cp.identity),
                  TRANSFER_TIMEOUT_S + REBOOT_TIMEOUT_S, "Installed")

    frames = signed_firmware_frames(csms, cp.identity)
    assert [f.payload["status"] for f in frames] == SIGNED_FIRMWARE_SUCCESS
    assert all(f.payload.get("requestId") == 21 for f in frames), [f.payload for f in frames]
    boots = boot_frames(csms, cp.identity)
    assert len(boots) == 2, "one reboot for the installation"
    assert all(f.connection != boots[1].connection for f in frames[:-1])
    assert frames[-1].connection == boots[1].connection and frames[-1].seq > boots[1].seq
    assert len(file_server.seen("GET", "/fw/" + FIRMWARE_NAME)) == 1
    event = wait_security_event(csms, cp.identity, "FirmwareUpdated")
    assert "FirmwareUpdated" in [e["type"] for e in rest_security_events(cp) if e["critical"]]
    assert event in security_events(csms, cp.identity)


def test_a_tampered_firmware_image_is_not_installed(csms, chargepoint, pki, file_server):
    manufacturer = pki.manufacturer_root()
    signer = pki.firmware_signing_certificate(manufacturer)
    tampered = bytearray(FIRMWARE_BYTES)
    tampered[100] ^= 0x01
    file_server.files["/fw/" + FIRMWARE_NAME] = bytes(tampered)
    cp = chargepoint()
    assert install(csms, cp.identity, "ManufacturerRootCertificate", manufacturer.pem) == "Accepted"

    assert signed_update(csms, cp.identity, f"{file_server.url}/fw/{FIRMWARE_NAME}", signer,
                         sign_bytes(signer.key, FIRMWARE_BYTES), 22) == "Accepted"
    csms.wait_for(lambda: "InvalidSignature" in signed_firmware_statuses(csms, cp.identity), TRANSFER_TIMEOUT_S,
                  "InvalidSignature")
    wait_security_event(csms, cp.identity, "InvalidFirmwareSignature")
    settle(csms, cp)

    statuses = signed_firmware_statuses(csms, cp.identity)
    assert statuses == ["Downloading", "Downloaded", "InvalidSignature"], statuses
    assert all(p.get("requestId") == 22 for p in csms.calls("SignedFirmwareStatusNotification", cp.identity))
    assert len(boot_frames(csms, cp.identity)) == 1, "a tampered image made the charge point reboot"
    assert security_events(csms, cp.identity, "FirmwareUpdated") == []


@pytest.mark.parametrize("case", ["no-manufacturer-root", "other-root"])
def test_a_signing_certificate_without_a_trusted_manufacturer_root_is_refused(csms, chargepoint, pki, file_server,
                                                                               case):
    manufacturer = pki.manufacturer_root()
    signer = pki.firmware_signing_certificate(pki.root_ca("Unrelated Manufacturer") if case == "other-root"
                                              else manufacturer)
    file_server.files["/fw/" + FIRMWARE_NAME] = FIRMWARE_BYTES
    cp = chargepoint()
    if case == "other-root":
        assert install(csms, cp.identity, "ManufacturerRootCertificate", manufacturer.pem) == "Accepted"

    assert signed_update(csms, cp.identity, f"{file_server.url}/fw/{FIRMWARE_NAME}", signer,
                         sign_bytes(signer.key, FIRMWARE_BYTES), 23) == "InvalidCertificate"
    wait_security_event(csms, cp.identity, "InvalidFirmwareSigningCertificate")
    settle(csms, cp)
    assert file_server.requests == [], "the firmware was downloaded all the same"
    assert signed_firmware_statuses(csms, cp.identity) == []


# ----- critical security events ------------------------------------------------------------------

def test_startup_of_the_device_follows_every_accepted_boot(csms, chargepoint):
    cp = chargepoint()
    first = csms.wait_for(lambda: next(iter(csms.call_frames("SecurityEventNotification", cp.identity)), None), 10,
                          "the first security event")
    assert first.payload["type"] == "StartupOfTheDevice"
    boot_answer = csms.answer_to(boot_frames(csms, cp.identity)[0])
    assert boot_answer is not None and first.seq > boot_answer.seq

    cp.restart()
    csms.wait_for(lambda: len(security_events(csms, cp.identity, "StartupOfTheDevice")) == 2, REBOOT_TIMEOUT_S,
                  "StartupOfTheDevice after the restart")
    second = [f for f in csms.call_frames("SecurityEventNotification", cp.identity)
              if f.payload["type"] == "StartupOfTheDevice"][1]
    assert second.connection == boot_frames(csms, cp.identity)[1].connection
    events = rest_security_events(cp)
    startups = [e for e in events if e["type"] == "StartupOfTheDevice"]
    assert len(startups) == 2 and all(e["critical"] for e in startups), events


def test_a_reset_is_reported_as_reset_or_reboot(csms, chargepoint):
    cp = chargepoint()
    wait_security_event(csms, cp.identity, "StartupOfTheDevice")

    assert ocpp_call(csms, cp.identity, "Reset", {"type": "Soft"}) == {"status": "Accepted"}
    event = wait_security_event(csms, cp.identity, "ResetOrReboot", timeout=REBOOT_TIMEOUT_S)
    assert parse_time(event["timestamp"])
    cp.api.wait_status(REBOOT_TIMEOUT_S, link="connected", registration="Accepted")
    types = [e["type"] for e in rest_security_events(cp)]
    assert "ResetOrReboot" in types and types.index("StartupOfTheDevice") < types.index("ResetOrReboot"), types
    assert next(e for e in rest_security_events(cp) if e["type"] == "ResetOrReboot")["critical"] is True


def test_an_unanswered_critical_event_is_delivered_after_a_crash(csms, chargepoint):
    csms.settings.answer_delay = 3  # slow CSMS: time to kill the charge point while the event waits
    cp = chargepoint(registered=False)
    first = csms.wait_for(lambda: next(iter(csms.call_frames("SecurityEventNotification", cp.identity)), None),
                          60, "the first SecurityEventNotification")
    cp.kill()
    assert csms.answer_to(first) is None, "the event was answered before the crash: the test proves nothing"

    csms.settings.answer_delay = 0
    cp.start()
    cp.api.wait_status(REBOOT_TIMEOUT_S, link="connected", registration="Accepted")

    def redelivered():
        return [f for f in csms.call_frames("SecurityEventNotification", cp.identity)[1:]
                if f.payload == first.payload and csms.answer_to(f)]
    csms.wait_for(redelivered, 30, f"{first.payload} delivered again")
    csms.wait_for(lambda: len(security_events(csms, cp.identity, "StartupOfTheDevice")) >= 3, 30,
                  "the StartupOfTheDevice of the second start as well")


# ----- a CSMS without the security extension -----------------------------------------------------

def test_a_csms_without_the_security_extension_keeps_a_working_link(csms, chargepoint):
    csms.settings.security_extension = False
    cp = chargepoint()
    first = csms.wait_for(lambda: next(iter(csms.call_frames("SecurityEventNotification", cp.identity)), None), 10,
                          "StartupOfTheDevice")
    answer = csms.wait_for(lambda: csms.answer_to(first), 5, "the CALLERROR")
    assert (answer.type_id, answer.error_code) == (CALLERROR, "InternalError")

    def per_connection_at_most_one_retry():
        counts: dict[int, int] = {}
        for frame in csms.call_frames("SecurityEventNotification", cp.identity):
            if frame.payload["type"] == "StartupOfTheDevice":
                counts[frame.connection] = counts.get(frame.connection, 0) + 1
        return all(count <= 2 for count in counts.values())
    holds_for(lambda: per_connection_at_most_one_retry() and csms.connection_count(cp.identity) == 1
              and csms.is_connected(cp.identity), 10, "one link and no endless StartupOfTheDevice retries")
    settle(csms, cp)  # Heartbeat still works
    heartbeat = csms.call_frames("Heartbeat", cp.identity)[-1]
    assert csms.wait_for(lambda: csms.answer_to(heartbeat), 5, "the Heartbeat answer").type_id == CALLRESULT
    assert cp.api.status()["link"] == "connected"


# ----- events the charge point sees for itself or hears of from the hardware ---------------------

def test_malformed_frames_raise_invalid_messages_once_per_connection(csms, chargepoint):
    cp = chargepoint()
    for number in range(3):
        csms.call_raw(cp.identity, f'[2,"bad-frame-{number}","Reset"')
    wait_security_event(csms, cp.identity, "InvalidMessages")
    settle(csms, cp)
    assert len(security_events(csms, cp.identity, "InvalidMessages")) == 1
    logged = cp.api.ok_json("GET", "/api/v1/security-events")["events"]
    assert [e["type"] for e in logged].count("InvalidMessages") == 1


def test_the_hardware_reports_tampering_through_the_api(csms, chargepoint):
    cp = chargepoint()
    created = cp.api.ok_json("POST", "/api/v1/security-events", expected=201,
                             json={"type": "TamperDetectionActivated", "techInfo": "enclosure door opened"})
    assert (created["type"], created["techInfo"], created["critical"]) == \
        ("TamperDetectionActivated", "enclosure door opened", True)
    sent = wait_security_event(csms, cp.identity, "TamperDetectionActivated")
    assert sent["techInfo"] == "enclosure door opened"
    assert sent["timestamp"] == created["timestamp"]
    assert cp.api.ok_json("GET", "/api/v1/security-events")["events"][-1] == created
    refused = cp.api.post("/api/v1/security-events", json={"type": "StartupOfTheDevice"})
    assert_problem(refused, 422)
