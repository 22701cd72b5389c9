"""A full disk does not stop the station (issue 10, defect 9): it keeps the link and the reads,
refuses what would need a commit, holds what it had already decided, and resumes by itself when
space returns. The data folder is a small tmpfs filled up by the test."""

import errno
import os
import subprocess

import pytest
from ocpp.exceptions import InternalError
from ocpp.v16 import call

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
