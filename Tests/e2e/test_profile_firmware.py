"""Firmware Management profile (reference §3.3, §4.3, §6.14): UpdateFirmware through a real HTTP
download, the simulated install and reboot, retries and DownloadFailed; GetDiagnostics as an HTTP
PUT of a tar archive, retries and UploadFailed; GET /api/v1/firmware."""

import io
import json
import tarfile

from csms import parse_time
from harness import assert_problem, boot_frames, describe, ocpp_call, settle, utc_in

FIRMWARE_NAME = "cp-9.9.9.bin"
FIRMWARE_VERSION = "cp-9.9.9"  # the simulated install names the version after the file
FIRMWARE_BYTES = b"\x7fELF" + bytes(range(256)) * 64
TRANSFER_TIMEOUT_S = 20
REBOOT_TIMEOUT_S = 20


def firmware_statuses(csms, identity):
    return [p["status"] for p in csms.calls("FirmwareStatusNotification", identity)]


def diagnostics_statuses(csms, identity):
    return [p["status"] for p in csms.calls("DiagnosticsStatusNotification", identity)]


def transfers(cp):
    """GET /api/v1/firmware with absent and null members read alike."""
    body = cp.api.ok_json("GET", "/api/v1/firmware")
    assert set(body) == {"firmware", "diagnostics"}, body
    return {part: {k: v for k, v in value.items() if v is not None} for part, value in body.items()}


def trigger(csms, cp, message):
    return ocpp_call(csms, cp.identity, "TriggerMessage", {"requestedMessage": message})["status"]


def test_update_firmware_downloads_installs_reboots_and_reports_installed(csms, chargepoint, file_server):
    file_server.files["/fw/" + FIRMWARE_NAME] = FIRMWARE_BYTES
    location = f"{file_server.url}/fw/{FIRMWARE_NAME}"
    cp = chargepoint()
    assert transfers(cp) == {"firmware": {"status": "Idle"}, "diagnostics": {"status": "Idle"}}
    file_server.hold.clear()

    assert ocpp_call(csms, cp.identity, "UpdateFirmware", {"location": location, "retrieveDate": utc_in(0)}) == {}
    assert file_server.arrived.wait(TRANSFER_TIMEOUT_S), "the charge point never asked for the firmware"
    csms.wait_for(lambda: firmware_statuses(csms, cp.identity) == ["Downloading"], 10, "Downloading")
    assert transfers(cp)["firmware"] == {"status": "Downloading", "location": location}
    triggered_at = len(firmware_statuses(csms, cp.identity))
    assert trigger(csms, cp, "FirmwareStatusNotification") == "Accepted"
    csms.wait_for(lambda: len(firmware_statuses(csms, cp.identity)) > triggered_at, 10, "the triggered status")
    assert firmware_statuses(csms, cp.identity) == ["Downloading", "Downloading"]
    file_server.hold.set()

    csms.wait_for(lambda: len(boot_frames(csms, cp.identity)) == 2, TRANSFER_TIMEOUT_S + REBOOT_TIMEOUT_S,
                  "the BootNotification after the installation")
    second_boot = boot_frames(csms, cp.identity)[1]
    assert second_boot.payload.get("firmwareVersion") == FIRMWARE_VERSION
    csms.wait_for(lambda: "Installed" in firmware_statuses(csms, cp.identity), 10, "Installed")
    frames = csms.call_frames("FirmwareStatusNotification", cp.identity)
    assert [f.payload["status"] for f in frames] == \
        ["Downloading", "Downloading", "Downloaded", "Installing", "Installed"]
    assert all(f.connection != second_boot.connection for f in frames[:-1])
    assert frames[-1].connection == second_boot.connection and frames[-1].seq > second_boot.seq
    assert len(file_server.seen("GET", "/fw/" + FIRMWARE_NAME)) == 1
    assert len(file_server.requests) == 1

    cp.api.wait_status(REBOOT_TIMEOUT_S, link="connected", registration="Accepted", firmwareVersion=FIRMWARE_VERSION)
    assert transfers(cp)["firmware"] == {"status": "Idle"}
    assert trigger(csms, cp, "FirmwareStatusNotification") == "Accepted"  # Idle once Installed was reported
    csms.wait_for(lambda: len(firmware_statuses(csms, cp.identity)) == 6, 10, "the triggered status")
    assert firmware_statuses(csms, cp.identity)[-1] == "Idle"

    # The new version survives a restart, and Installed is not reported again.
    cp.restart()
    csms.wait_for(lambda: len(boot_frames(csms, cp.identity)) == 3, REBOOT_TIMEOUT_S, "a third BootNotification")
    assert boot_frames(csms, cp.identity)[2].payload.get("firmwareVersion") == FIRMWARE_VERSION
    cp.wait_registered()
    cp.api.wait_status(REBOOT_TIMEOUT_S, link="connected", registration="Accepted")
    assert firmware_statuses(csms, cp.identity).count("Installed") == 1


def test_update_firmware_waits_for_retrieve_date_retries_and_reports_download_failed(csms, chargepoint, file_server):
    cp = chargepoint()
    location = f"{file_server.url}/missing/{FIRMWARE_NAME}"
    retrieve_date = utc_in(2)

    assert ocpp_call(csms, cp.identity, "UpdateFirmware", {"location": location, "retrieveDate": retrieve_date,
                                                           "retries": 1, "retryInterval": 1}) == {}
    assert transfers(cp)["firmware"] == {"status": "Idle", "location": location}
    csms.wait_for(lambda: "DownloadFailed" in firmware_statuses(csms, cp.identity), TRANSFER_TIMEOUT_S,
                  "DownloadFailed")

    attempts = file_server.seen("GET", f"/missing/{FIRMWARE_NAME}")
    assert len(attempts) == 2, "retries=1 means two download attempts"
    assert attempts[0].time >= parse_time(retrieve_date).timestamp() - 0.5, "downloaded before retrieveDate"
    assert attempts[1].time - attempts[0].time >= 0.9, "the retry did not wait retryInterval"
    statuses = firmware_statuses(csms, cp.identity)
    assert statuses[0] == "Downloading" and statuses[-1] == "DownloadFailed", statuses
    assert set(statuses) == {"Downloading", "DownloadFailed"} and statuses.count("DownloadFailed") == 1
    assert len(boot_frames(csms, cp.identity)) == 1
    assert transfers(cp)["firmware"] == {"status": "Idle"}


def test_get_diagnostics_uploads_a_tar_archive_with_put(csms, chargepoint, file_server):
    cp = chargepoint()
    file_server.hold.clear()

    answer = ocpp_call(csms, cp.identity, "GetDiagnostics", {"location": f"{file_server.url}/diag/"})
    file_name = answer["fileName"]
    assert set(answer) == {"fileName"} and 0 < len(file_name) <= 255 and "/" not in file_name
    assert file_server.arrived.wait(TRANSFER_TIMEOUT_S), "no upload arrived"
    csms.wait_for(lambda: diagnostics_statuses(csms, cp.identity) == ["Uploading"], 10, "Uploading")
    assert transfers(cp)["diagnostics"] == {"status": "Uploading", "fileName": file_name}
    assert trigger(csms, cp, "DiagnosticsStatusNotification") == "Accepted"
    csms.wait_for(lambda: len(diagnostics_statuses(csms, cp.identity)) == 2, 10, "the triggered status")
    file_server.hold.set()
    csms.wait_for(lambda: "Uploaded" in diagnostics_statuses(csms, cp.identity), TRANSFER_TIMEOUT_S, "Uploaded")

    assert diagnostics_statuses(csms, cp.identity) == ["Uploading", "Uploading", "Uploaded"]
    puts = file_server.seen("PUT")
    assert [r.path for r in puts] == [f"/diag/{file_name}"]
    with tarfile.open(fileobj=io.BytesIO(puts[0].body)) as archive:
        names = archive.getnames()
        assert {"state.json", "frames.json", "chargepoint.log"} <= set(names), names
        state = json.loads(archive.extractfile("state.json").read())
        frames = json.loads(archive.extractfile("frames.json").read())
        log = archive.extractfile("chargepoint.log").read().decode()
    assert state["status"]["identity"] == cp.identity
    assert frames, "frames.json is empty"
    assert log.strip(), "chargepoint.log is empty"
    assert transfers(cp)["diagnostics"] == {"status": "Idle"}
    assert trigger(csms, cp, "DiagnosticsStatusNotification") == "Accepted"
    csms.wait_for(lambda: len(diagnostics_statuses(csms, cp.identity)) == 4, 10, "the triggered status")
    assert diagnostics_statuses(csms, cp.identity)[-1] == "Idle"


def test_get_diagnostics_to_a_failing_server_retries_then_reports_upload_failed(csms, chargepoint, file_server):
    file_server.put_status = 500
    cp = chargepoint()

    answer = ocpp_call(csms, cp.identity, "GetDiagnostics",
                       {"location": f"{file_server.url}/upload", "retries": 1, "retryInterval": 1})
    file_name = answer["fileName"]
    csms.wait_for(lambda: "UploadFailed" in diagnostics_statuses(csms, cp.identity), TRANSFER_TIMEOUT_S,
                  "UploadFailed")

    puts = file_server.seen("PUT")
    assert [r.path for r in puts] == [f"/upload/{file_name}"] * 2
    assert puts[1].time - puts[0].time >= 0.9, "the retry did not wait retryInterval"
    statuses = diagnostics_statuses(csms, cp.identity)
    assert statuses[0] == "Uploading" and statuses[-1] == "UploadFailed", statuses
    assert set(statuses) == {"Uploading", "UploadFailed"} and statuses.count("UploadFailed") == 1
    assert transfers(cp)["diagnostics"] == {"status": "Idle"}


def test_installation_waits_until_the_running_transaction_ends(csms, chargepoint, file_server):
    file_server.files["/fw/" + FIRMWARE_NAME] = FIRMWARE_BYTES
    cp = chargepoint()
    cp.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})

    assert ocpp_call(csms, cp.identity, "UpdateFirmware", {"location": f"{file_server.url}/fw/{FIRMWARE_NAME}",
                                                           "retrieveDate": utc_in(0)}) == {}
    csms.wait_for(lambda: "Downloaded" in firmware_statuses(csms, cp.identity), TRANSFER_TIMEOUT_S, "Downloaded")
    settle(csms, cp)
    assert firmware_statuses(csms, cp.identity) == ["Downloading", "Downloaded"]
    assert len(boot_frames(csms, cp.identity)) == 1
    assert cp.api.connector(1)["transaction"] is not None, "the installation cut the transaction short"
    assert transfers(cp)["firmware"]["status"] == "Downloaded"

    stop_response = cp.api.post("/api/v1/connectors/1/stop", json={})
    csms.wait_for(lambda: len(boot_frames(csms, cp.identity)) == 2, REBOOT_TIMEOUT_S, "the reboot after installing")
    assert boot_frames(csms, cp.identity)[1].payload.get("firmwareVersion") == FIRMWARE_VERSION
    csms.wait_for(lambda: "Installed" in firmware_statuses(csms, cp.identity), 10, "Installed")
    cp.wait_registered()
    cp.api.wait_status(REBOOT_TIMEOUT_S, queuedMessages=0)
    settle(csms, cp)
    stops = csms.call_frames("StopTransaction", cp.identity)
    assert [(f.payload["reason"], f.payload["transactionId"]) for f in stops] == [("Local", 1)], \
        f"StopTransaction must be delivered exactly once, was sent {len(stops)} times: " \
        f"{[(f.connection, f.unique_id, 'answered' if csms.answer_to(f) else 'unanswered') for f in stops]}"
    # openapi.yaml: 200 with the stopped transaction, or 409 `restarted` when the reboot came
    # while StopTransaction waited for its answer (the transaction stopped all the same).
    if stop_response.status_code == 200:
        assert stop_response.json()["stopReason"] == "Local", describe(stop_response)
    else:
        assert_problem(stop_response, 409)
        assert stop_response.json()["type"] == "urn:chargepoint:problem:restarted", describe(stop_response)
    assert cp.api.transactions()[0]["stopReason"] == "Local"
