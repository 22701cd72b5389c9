"""Malformed input from the CSMS gets the right CALLERROR and never costs the link
(OCPP-J §4.2.3; contract "OCPP behaviour notes")."""

from ocpp.v16 import call

from csms import CALLERROR

TOO_LONG_TAG = "T" * 21

# (raw frame, id the CALLERROR must carry, error code)
BAD_FRAMES = [
    ('[2,"garbage-1","Heartbeat"', "garbage-1", "FormationViolation"),
    ("not json at all", "-1", "FormationViolation"),
    ('[2,"u-1","FooBar",{}]', "u-1", "NotImplemented"),
    ('[2,"r-1","RemoteStartTransaction",{"idTag":"%s"}]' % TOO_LONG_TAG, "r-1", "TypeConstraintViolation"),
    ('[2,"r-2","RemoteStartTransaction",{"idTag":"TAG1","foo":1}]', "r-2", "FormationViolation"),
    ('[2,"r-3","RemoteStartTransaction",{"connectorId":1}]', "r-3", "ProtocolError"),
    ('[2,"g-1","GetCompositeSchedule",{"connectorId":1,"duration":-1}]', "g-1", "PropertyConstraintViolation"),
    ('[2,"%s","Heartbeat",{}]' % ("i" * 1000), "-1", "FormationViolation"),
    ('[2,"%s","Heartbeat",{}]' % ("j" * 37), "-1", "FormationViolation"),
    ('[2,"%s","FooBar",{}]' % ("k" * 36), "k" * 36, "NotImplemented"),
]


def test_malformed_calls_get_callerrors_and_the_link_survives(csms, chargepoint):
    cp = chargepoint()

    replies = [csms.call_raw(cp.identity, raw) for raw, _, _ in BAD_FRAMES]

    assert [(r[0], r[1], r[2]) for r in replies] == \
        [(CALLERROR, reply_id, code) for _, reply_id, code in BAD_FRAMES]
    assert all(isinstance(r[3], str) and isinstance(r[4], dict) for r in replies), replies
    answer = csms.call(cp.identity, call.RemoteStopTransaction(transaction_id=424242))
    assert answer.status == "Rejected"
    assert csms.connection_count(cp.identity) == 1
    assert len(csms.calls("BootNotification", cp.identity)) == 1
    assert "Preparing" not in [p["status"] for p in csms.calls("StatusNotification", cp.identity)]
    assert cp.api.status()["link"] == "connected"


def test_an_oversized_frame_is_refused_with_1009_and_the_link_comes_back(csms, chargepoint):
    """A CSMS frame past the 1 MiB limit (in one frame, far past the library's receive buffer) closes
    the link with 1009 and a reconnect; it crashed the process before (issue 10, defect 1)."""
    cp = chargepoint()
    big = '[2,"big","DataTransfer",{"vendorId":"x","data":"%s"}]' % ("A" * 1_100_000)

    csms.send_raw(cp.identity, big)

    csms.wait_for(lambda: csms.connection_count(cp.identity) == 2 and csms.is_connected(cp.identity),
                  timeout=15, what="the charge point to reconnect")
    assert csms.close_codes(cp.identity) == [1009]
    assert cp.process.poll() is None
    answer = csms.call(cp.identity, call.RemoteStopTransaction(transaction_id=424242))
    assert answer.status == "Rejected"
