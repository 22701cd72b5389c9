"""OCPP 2.0.1 functional block L (UpdateFirmware, FirmwareStatusNotification) and N01 (GetLog,
LogStatusNotification), end to end from the PyPI `ocpp` 2.0.1 central system (every frame checked against the
official schemas) to the real `chargepoint serve --ocpp 2.0.1`: real HTTP downloads and uploads (fileserver.py),
signatures made with the throw-away PKI of pki.py, the simulated installation and its reboot. One station
serves the whole module (the installation that reboots it comes last) so that the module stays fast. Test
names carry the OCA test case (Charging Station side) they cover."""

from __future__ import annotations

import pytest

from conftest import ChargePointFactory, running_csms
from harness import boot_frames, ocpp_call, security_events, utc_in, wait_security_event
from ocpp201_helpers import settle201
from pki import Pki, sign_bytes

FIRMWARE_NAME = "cp-9.9.9.bin"
FIRMWARE_VERSION = "cp-9.9.9"  # the simulated install names the version after the file
FIRMWARE_BYTES = b"\x7fELF" + bytes(range(256)) * 64
TIMEOUT_S = 15


@pytest.fixture(scope="module")
def csms201():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


@pytest.fixture(scope="module")
def station(csms201, tmp_path_factory):
    """One registered station with the PKI's ManufacturerRootCertificate installed."""
    factory = ChargePointFactory(csms201, tmp_path_factory.mktemp("cp201-firmware"))
    try:
        station = factory(connectors=1)
        yield station
    finally:
        factory.cleanup()


@pytest.fixture(scope="module")
def keys(station, csms201, tmp_path_factory):
    """The manufacturer root (installed on the station), a signer below it, and a root of nobody's."""
    pki = Pki(tmp_path_factory.mktemp("pki"))
    manufacturer = pki.manufacturer_root()
    signer = pki.firmware_signing_certificate(manufacturer)
    stranger = pki.firmware_signing_certificate(pki.root_ca("E2E Unrelated Root"))
    answer = ocpp_call(csms201, station.identity, "InstallCertificate",
                       {"certificateType": "ManufacturerRootCertificate", "certificate": manufacturer.pem})
    assert answer["status"] == "Accepted", answer
    return {"signer": signer, "stranger": stranger}


def update(csms, station, request_id: int, location: str, signer=None, signature: str | None = None,
           **extra) -> str:
    # A second ago: the station's clock (the CSMS's time) must not see it ahead and schedule the download.
    firmware = {"location": location, "retrieveDateTime": utc_in(-1)}
    if signer is not None:
        firmware["signingCertificate"] = signer.pem
    if signature is not None:
        firmware["signature"] = signature
    return ocpp_call(csms, station.identity, "UpdateFirmware",
                     {"requestId": request_id, "firmware": firmware, **extra})["status"]


def firmware_statuses(csms, station, request_id: int) -> list[str]:
    return [p["status"] for p in csms.calls("FirmwareStatusNotification", station.identity)
            if p.get("requestId") == request_id]


def log_statuses(csms, station, request_id: int) -> list[str]:
    return [p["status"] for p in csms.calls("LogStatusNotification", station.identity)
            if p.get("requestId") == request_id]


def get_log(csms, station, request_id: int, location: str, log_type: str = "SecurityLog", **extra) -> dict:
    return ocpp_call(csms, station.identity, "GetLog", {
        "logType": log_type, "requestId": request_id, "log": {"remoteLocation": location}, **extra})


def triggered(csms, station, message: str, action: str) -> dict:
    before = len(csms.calls(action, station.identity))
    assert ocpp_call(csms, station.identity, "TriggerMessage", {"requestedMessage": message})["status"] == "Accepted"
    return csms.wait_for_calls(action, station.identity, before + 1)[-1]


def transfers(station) -> dict:
    return station.api.ok_json("GET", "/api/v1/firmware")


# ----- N01 GetLog ------------------------------------------------------------------------------

def test_TC_N_35_CS_the_security_log_is_uploaded_with_put_and_its_statuses_carry_the_request_id(csms201, station, file_server):
    answer = get_log(csms201, station, 31, f"{file_server.url}/logs/")
    assert answer["status"] == "Accepted" and 0 < len(answer["filename"]) <= 255, answer
    csms201.wait_for(lambda: log_statuses(csms201, station, 31) == ["Uploading", "Uploaded"], TIMEOUT_S, "Uploaded")
    [put] = file_server.seen("PUT")
    assert put.path == "/logs/" + answer["filename"]
    assert b"StartupOfTheDevice" in put.body
    assert triggered(csms201, station, "LogStatusNotification", "LogStatusNotification")["status"] == "Idle"


def test_TC_N_36_CS_a_new_get_log_cancels_the_upload_in_progress(csms201, station, file_server):
    file_server.hold.clear()
    assert get_log(csms201, station, 32, f"{file_server.url}/logs/", "DiagnosticsLog")["status"] == "Accepted"
    assert file_server.arrived.wait(TIMEOUT_S), "the first upload never started"
    csms201.wait_for(lambda: log_statuses(csms201, station, 32) == ["Uploading"], TIMEOUT_S, "Uploading")
    assert triggered(csms201, station, "LogStatusNotification", "LogStatusNotification") == \
        {"status": "Uploading", "requestId": 32}
    assert transfers(station)["diagnostics"]["requestId"] == 32

    assert get_log(csms201, station, 33, f"{file_server.url}/logs/")["status"] == "AcceptedCanceled"
    file_server.hold.set()
    csms201.wait_for(lambda: log_statuses(csms201, station, 33) == ["Uploading", "Uploaded"], TIMEOUT_S, "Uploaded")
    assert log_statuses(csms201, station, 32) == ["Uploading", "Uploading", "AcceptedCanceled"]


def test_TC_N_26_CS_a_diagnostics_upload_the_server_refuses_is_retried_then_reported_as_upload_failure(csms201, station, file_server):
    file_server.put_status = 500
    assert get_log(csms201, station, 34, f"{file_server.url}/logs/", "DiagnosticsLog", retries=1,
                   retryInterval=1)["status"] == "Accepted"
    csms201.wait_for(lambda: "UploadFailure" in log_statuses(csms201, station, 34), TIMEOUT_S, "UploadFailure")
    assert log_statuses(csms201, station, 34) == ["Uploading", "Uploading", "UploadFailure"]
    assert len(file_server.seen("PUT")) == 2


# ----- L01 UpdateFirmware --------------------------------------------------------------------------

def test_TC_L_05_CS_a_signing_certificate_of_another_root_is_invalid_certificate_and_an_event(csms201, station, keys,
                                                                                              file_server):
    file_server.files["/fw/" + FIRMWARE_NAME] = FIRMWARE_BYTES
    signer = keys["stranger"]
    status = update(csms201, station, 41, f"{file_server.url}/fw/{FIRMWARE_NAME}", signer,
                    sign_bytes(signer.key, FIRMWARE_BYTES))
    assert status == "InvalidCertificate"
    wait_security_event(csms201, station.identity, "InvalidFirmwareSigningCertificate")
    settle201(csms201, station)
    assert file_server.requests == [] and firmware_statuses(csms201, station, 41) == []


def test_TC_L_06_CS_a_tampered_image_is_invalid_signature_with_an_event_and_not_installed(csms201, station, keys,
                                                                                          file_server):
    tampered = bytearray(FIRMWARE_BYTES)
    tampered[100] ^= 0x01
    file_server.files["/fw/" + FIRMWARE_NAME] = bytes(tampered)
    signer = keys["signer"]
    assert update(csms201, station, 42, f"{file_server.url}/fw/{FIRMWARE_NAME}", signer,
                  sign_bytes(signer.key, FIRMWARE_BYTES)) == "Accepted"
    csms201.wait_for(lambda: "InvalidSignature" in firmware_statuses(csms201, station, 42), TIMEOUT_S,
                     "InvalidSignature")
    wait_security_event(csms201, station.identity, "InvalidFirmwareSignature")
    assert firmware_statuses(csms201, station, 42) == ["Downloading", "Downloaded", "InvalidSignature"]
    assert len(boot_frames(csms201, station.identity)) == 1
    assert triggered(csms201, station, "FirmwareStatusNotification", "FirmwareStatusNotification") == \
        {"status": "InvalidSignature", "requestId": 42}


def test_TC_L_10_CS_a_new_update_cancels_the_download_in_progress(csms201, station, keys, file_server):
    signer = keys["signer"]
    file_server.files["/fw/" + FIRMWARE_NAME] = FIRMWARE_BYTES
    file_server.hold.clear()
    location = f"{file_server.url}/fw/{FIRMWARE_NAME}"
    assert update(csms201, station, 43, location, signer, sign_bytes(signer.key, FIRMWARE_BYTES)) == "Accepted"
    assert file_server.arrived.wait(TIMEOUT_S), "the download never started"
    csms201.wait_for(lambda: firmware_statuses(csms201, station, 43) == ["Downloading"], TIMEOUT_S, "Downloading")
    assert transfers(station)["firmware"] == {"status": "Downloading", "location": location, "requestId": 43}

    missing = f"{file_server.url}/missing/{FIRMWARE_NAME}"
    assert update(csms201, station, 44, missing, signer, sign_bytes(signer.key, FIRMWARE_BYTES),
                  retries=0) == "AcceptedCanceled"
    file_server.hold.set()
    csms201.wait_for(lambda: "DownloadFailed" in firmware_statuses(csms201, station, 44), TIMEOUT_S, "DownloadFailed")
    settle201(csms201, station)
    assert firmware_statuses(csms201, station, 43) == ["Downloading"], "the cancelled update went on"
    assert firmware_statuses(csms201, station, 44) == ["Downloading", "DownloadFailed"]


def test_TC_L_18_CS_with_a_manufacturer_root_installed_an_unsigned_image_is_rejected(csms201, station, keys,
                                                                                       file_server):
    assert update(csms201, station, 46, f"{file_server.url}/fw/{FIRMWARE_NAME}") == "Rejected"
    settle201(csms201, station)
    assert file_server.requests == [] and firmware_statuses(csms201, station, 46) == []


def test_TC_L_01_CS_a_secure_update_installs_reboots_and_reports_installed_then_firmware_updated(
        csms201, station, keys, file_server):
    signer = keys["signer"]
    file_server.files["/fw/" + FIRMWARE_NAME] = FIRMWARE_BYTES
    assert update(csms201, station, 45, f"{file_server.url}/fw/{FIRMWARE_NAME}", signer,
                  sign_bytes(signer.key, FIRMWARE_BYTES)) == "Accepted"
    csms201.wait_for(lambda: "Installed" in firmware_statuses(csms201, station, 45), 2 * TIMEOUT_S, "Installed")
    assert firmware_statuses(csms201, station, 45) == \
        ["Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Installed"]

    boots = boot_frames(csms201, station.identity)
    assert len(boots) == 2 and boots[1].payload["reason"] == "FirmwareUpdate", [b.payload for b in boots]
    assert boots[1].payload["chargingStation"]["firmwareVersion"] == FIRMWARE_VERSION
    installed = next(f for f in csms201.call_frames("FirmwareStatusNotification", station.identity)
                     if f.payload["status"] == "Installed")
    assert installed.connection == boots[1].connection
    event = wait_security_event(csms201, station.identity, "FirmwareUpdated")
    updated = next(f for f in csms201.call_frames("SecurityEventNotification", station.identity)
                   if f.payload == event)
    assert installed.seq < updated.seq, "Installed goes before FirmwareUpdated [L01.FR.31/32]"
    assert len(security_events(csms201, station.identity, "FirmwareUpdated")) == 1

    station.api.wait_status(TIMEOUT_S, link="connected", registration="Accepted", firmwareVersion=FIRMWARE_VERSION)
    assert transfers(station)["firmware"] == {"status": "Idle", "requestId": 45}
    assert triggered(csms201, station, "FirmwareStatusNotification", "FirmwareStatusNotification")["status"] == "Idle"
