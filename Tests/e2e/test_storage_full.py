"""A full disk does not stop the station (issue 10, defect 9), under either OCPP version: it keeps the
link and the reads, refuses what would need a commit, holds what it had already decided, and resumes by
itself when space returns. The data folder is a small tmpfs filled up by the test."""

import errno
import os
import subprocess

import pytest
from ocpp.exceptions import InternalError
from ocpp.v16 import call
from ocpp.v201 import call as call201

from conftest import running_csms
from harness import ChargePointProcess, assert_problem

TMPFS_SIZE = "8m"


@pytest.fixture
def small_disk_chargepoint(csms, tmp_path):
    if os.geteuid() != 0:
        pytest.fail("this test mounts a tmpfs and must run as root (make test does, as CI does)")
    process = ChargePointProcess(csms, tmp_path, 2, None)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0700", "tmpfs",
                    str(process.data_dir)], check=True)
    try:
        process.start()
        process.wait_registered()
        yield process
    finally:
        process.terminate()
        subprocess.run(["umount", "-l", str(process.data_dir)], check=False)


def fill(folder) -> str:
    """Fills the file system of `folder` to the last byte; returns the filler's path."""
    path = os.path.join(folder, "filler")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 1):
            while True:
                try:
                    os.write(descriptor, b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
                    break
    finally:
        os.close(descriptor)
    return path


def test_a_full_disk_holds_changes_refuses_new_ones_and_resumes(csms, small_disk_chargepoint):
    cp = small_disk_chargepoint
    assert cp.api.ok_json("GET", "/readyz") == {"status": "ready"}
    before = cp.api.ok_json("GET", "/api/v1/configuration/ConnectionTimeOut")["value"]
    filler = fill(cp.data_dir)

    # The first change needs a commit that fails: it is held, not lost (its answer waits for the disk).
    with pytest.raises(TimeoutError):
        csms.call(cp.identity, call.ChangeConfiguration(key="ConnectionTimeOut", value="17"), timeout=3)
    problem = assert_problem(cp.api.request("GET", "/readyz"), 503)
    assert "data folder" in problem["detail"], problem

    # Meanwhile: CSMS calls that need a commit get InternalError, API changes 503, reads work, link stays.
    with pytest.raises(InternalError):
        csms.call(cp.identity, call.ChangeConfiguration(key="ConnectionTimeOut", value="23"))
    assert_problem(cp.api.put("/api/v1/configuration/HeartbeatInterval", json={"value": "120"}), 503)
    assert cp.api.connector(1)["status"] == "Available"
    # Reads show what is committed, not the held change.
    assert cp.api.ok_json("GET", "/api/v1/configuration/ConnectionTimeOut")["value"] == before != "17"
    assert cp.api.status()["link"] == "connected"
    assert cp.process.poll() is None

    os.remove(filler)

    csms.wait_for(lambda: cp.api.request("GET", "/readyz").status_code == 200, timeout=15,
                  what="the charge point to take writes again")
    assert cp.api.ok_json("GET", "/api/v1/configuration/ConnectionTimeOut")["value"] == "17"
    assert cp.api.ok_json("PUT", "/api/v1/configuration/HeartbeatInterval", json={"value": "120"})["value"] == "120"
    assert csms.connection_count(cp.identity) == 1

    # What was held is on disk: a restart keeps it.
    assert cp.terminate() == 0
    cp.start()
    cp.wait_registered()
    assert cp.api.ok_json("GET", "/api/v1/configuration/ConnectionTimeOut")["value"] == "17"


def test_under_ocpp_2_0_1_a_full_disk_holds_the_change_and_resumes(tmp_path):
    """The same guarantee under --ocpp 2.0.1: a SetVariables whose commit fails is held (its answer waits
    for the disk), later CALLs get InternalError in the 2.0.1 spelling, API changes 503, the status and the
    link stay, and the held change is stored and answered once space returns."""
    if os.geteuid() != 0:
        pytest.fail("this test mounts a tmpfs and must run as root (make test does, as CI does)")
    with running_csms(ocpp_version="2.0.1") as csms:
        cp = ChargePointProcess(csms, tmp_path, 1, None)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0700", "tmpfs", str(cp.data_dir)],
                       check=True)
        try:
            cp.start()
            cp.wait_registered()
            key = "/api/v1/configuration/OCPPCommCtrlr.OfflineThreshold"
            before = cp.api.ok_json("GET", key)["value"]
            filler = fill(cp.data_dir)
            offline_threshold = [{"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "OfflineThreshold"},
                                  "attribute_value": "77"}]
            with pytest.raises(TimeoutError):
                csms.call(cp.identity, call201.SetVariables(set_variable_data=offline_threshold), timeout=3)
            problem = assert_problem(cp.api.request("GET", "/readyz"), 503)
            assert "data folder" in problem["detail"], problem
            with pytest.raises(InternalError):
                csms.call(cp.identity, call201.GetVariables(get_variable_data=[
                    {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "OfflineThreshold"}}]))
            assert_problem(cp.api.put(key, json={"value": "88"}), 503)
            assert cp.api.status()["link"] == "connected"
            assert cp.process.poll() is None

            os.remove(filler)
            csms.wait_for(lambda: cp.api.request("GET", "/readyz").status_code == 200, timeout=15,
                          what="the station to take writes again")
            assert cp.api.ok_json("GET", key)["value"] == "77" != before
            assert csms.connection_count(cp.identity) == 1
            assert cp.terminate() == 0
            cp.start()
            cp.wait_registered()
            assert cp.api.ok_json("GET", key)["value"] == "77"
        finally:
            cp.terminate()
            subprocess.run(["umount", "-l", str(cp.data_dir)], check=False)
