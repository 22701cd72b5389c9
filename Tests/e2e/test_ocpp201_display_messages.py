"""OCPP 2.0.1 functional block O (display messages), end to end: SetDisplayMessage, GetDisplayMessages with
NotifyDisplayMessages and ClearDisplayMessage from the PyPI `ocpp` 2.0.1 central system (every frame checked
against the official schemas) to the real `chargepoint serve --ocpp 2.0.1`, and what the station's display
shows through `GET /api/v1/display`. Test names carry the OCA compliance test cases (Charging Station side)
they cover."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jsonschema
import pytest
import yaml
from ocpp.v201 import call

from conftest import running_csms
from csms import parse_time, wait_until
from harness import REPO_ROOT
from ocpp201_helpers import ACCEPTED, settle201, start, stop, wait_event, wait_status
from test_events import EventStream


@pytest.fixture
def csms():
    with running_csms(ocpp_version="2.0.1") as csms:
        yield csms


def message(id_: int, priority: str = "NormalCycle", content: str | None = None, fmt: str = "UTF8",
            language: str | None = None, **members) -> dict:
    """A MessageInfo in the library's snake_case (it writes camelCase on the wire)."""
    text = {"format": fmt, "content": content or f"Message {id_}", **({"language": language} if language else {})}
    return {"id": id_, "priority": priority, "message": text, **members}


def set_message(csms, station, info: dict) -> str:
    return csms.call(station.identity, call.SetDisplayMessage(message=info)).status


def get_messages(csms, station, request_id: int, **filters) -> str:
    return csms.call(station.identity, call.GetDisplayMessages(request_id=request_id, **filters)).status


def clear_message(csms, station, id_: int) -> str:
    return csms.call(station.identity, call.ClearDisplayMessage(id=id_)).status


def notified(csms, station, request_id: int, parts: int = 1) -> list[dict]:
    """The NotifyDisplayMessages payloads of one request, waiting for `parts` of them."""
    return csms.wait_for_calls("NotifyDisplayMessages", station.identity, parts,
                               where=lambda p: p["requestId"] == request_id)


def reported_ids(payloads: list[dict]) -> list[int]:
    return [info["id"] for payload in payloads for info in payload.get("messageInfo", [])]


def display(station) -> dict:
    """GET /api/v1/display, checked against openapi.yaml's Display201."""
    resource = station.api.ok_json("GET", "/api/v1/display")
    DISPLAY_SCHEMA.validate(resource)
    return resource


def display_schema():
    """A validator of openapi.yaml's Display201 (OpenAPI 3.1 schemas are JSON Schema 2020-12)."""
    document = yaml.safe_load((REPO_ROOT / "openapi.yaml").read_text())
    schema = {**document["components"]["schemas"]["Display201"], "components": document["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


DISPLAY_SCHEMA = display_schema()


def wait_display(station, predicate, what: str, timeout: float = 15) -> dict:
    def reached():
        shown = display(station)
        return shown if predicate(shown) else None
    return wait_until(reached, timeout, what)


def shown_id(resource: dict) -> int | None:
    return resource["shown"]["id"] if resource["shown"] else None


def in_seconds(seconds: float) -> str:
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def charging(csms, station) -> str:
    """A transaction charging on EVSE 1; returns its id."""
    started = start(station, 1, "TAG1")
    wait_event(csms, station, lambda e: e["transactionInfo"].get("chargingState") == "Charging",
               "chargingState Charging")
    return started["transactionId"]


def test_TC_O_01_CS_and_TC_O_07_CS_a_message_is_set_shown_and_reported_by_id(csms, chargepoint):
    """Accepted; the display shows it; GetDisplayMessages by id: Accepted, then NotifyDisplayMessages with
    the requestId and the message as set [O01.FR.12, O04.FR.01/03/06]."""
    station = chargepoint(connectors=1)
    info = message(11, "InFront", "Welcome", language="en")
    assert set_message(csms, station, info) == ACCEPTED
    resource = display(station)
    assert resource["shown"] == {"id": 11, "priority": "InFront",
                                 "message": {"format": "UTF8", "language": "en", "content": "Welcome"}}
    assert resource["messages"] == [{"message": resource["shown"], "inForce": True}]
    assert (resource["enabled"], resource["state"], resource["cycle"]) == (True, "Idle", [11])

    assert get_messages(csms, station, 5, id=[11]) == ACCEPTED
    [payload] = notified(csms, station, 5)
    assert payload["messageInfo"] == [resource["shown"]] and "tbc" not in payload


def test_TC_O_02_CS_every_message_is_reported_in_parts_with_tbc(csms, chargepoint):
    """Without filters every message is reported; more than fit in one NotifyDisplayMessages go in parts,
    tbc true on all but the last, each with the request's requestId [O03.FR.01–05]."""
    station = chargepoint(connectors=1)
    for id_ in range(1, 13):
        assert set_message(csms, station, message(id_)) == ACCEPTED
    assert get_messages(csms, station, 77) == ACCEPTED
    parts = notified(csms, station, 77, parts=2)
    assert sorted(reported_ids(parts)) == list(range(1, 13))
    assert [p.get("tbc", False) for p in parts] == [True, False]


def test_TC_O_03_CS_TC_O_05_CS_and_TC_O_33_CS_nothing_configured_is_unknown(csms, chargepoint):
    """No messages: GetDisplayMessages (all, or one id) Unknown and no NotifyDisplayMessages; clearing an
    unknown id Unknown [O03.FR.06, O04.FR.07, O05.FR.02]."""
    station = chargepoint(connectors=1)
    assert get_messages(csms, station, 1) == "Unknown"
    assert get_messages(csms, station, 2, id=[4]) == "Unknown"
    assert clear_message(csms, station, 4) == "Unknown"
    settle201(csms, station)
    assert csms.calls("NotifyDisplayMessages", station.identity) == []


def test_TC_O_04_CS_a_cleared_message_is_gone(csms, chargepoint):
    """ClearDisplayMessage Accepted; the id is Unknown afterwards and the display blank [O05.FR.01]."""
    station = chargepoint(connectors=1)
    assert set_message(csms, station, message(3)) == ACCEPTED
    assert clear_message(csms, station, 3) == ACCEPTED
    assert get_messages(csms, station, 1, id=[3]) == "Unknown"
    assert display(station) == {"enabled": True, "state": "Idle", "shown": None, "cycle": [], "messages": []}


def test_TC_O_08_CS_TC_O_09_CS_TC_O_11_CS_TC_O_34_CS_and_TC_O_35_CS_every_filter_given_must_match(
        csms, chargepoint):
    """By priority, by state, by id; a known id with another state or priority, and an unknown id, are
    Unknown [O04.FR.01/02]."""
    station = chargepoint(connectors=1)
    assert set_message(csms, station, message(1, "InFront", state="Idle")) == ACCEPTED
    assert set_message(csms, station, message(2, "NormalCycle", state="Charging")) == ACCEPTED
    assert get_messages(csms, station, 10, priority="NormalCycle") == ACCEPTED
    assert reported_ids(notified(csms, station, 10)) == [2]
    assert get_messages(csms, station, 11, state="Idle") == ACCEPTED
    assert reported_ids(notified(csms, station, 11)) == [1]
    assert get_messages(csms, station, 12, id=[9]) == "Unknown"
    assert get_messages(csms, station, 13, id=[1], state="Charging") == "Unknown"
    assert get_messages(csms, station, 14, id=[1], priority="NormalCycle") == "Unknown"


def test_TC_O_06_CS_and_TC_O_10_CS_a_transaction_message_lives_with_its_transaction(csms, chargepoint):
    """An unknown transactionId: UnknownTransaction [O02.FR.01]. A running one's: Accepted and shown; when
    the transaction ends the message is removed [O02.FR.02]."""
    station = chargepoint(connectors=1)
    assert set_message(csms, station, message(1, "InFront", transaction_id="not-a-transaction")) == \
        "UnknownTransaction"
    transaction_id = charging(csms, station)
    assert set_message(csms, station, message(2, "InFront", transaction_id=transaction_id)) == ACCEPTED
    assert shown_id(display(station)) == 2
    stop(station, 1)
    wait_display(station, lambda d: d["messages"] == [], "the transaction's message removed")
    assert get_messages(csms, station, 3, id=[2]) == "Unknown"


def test_TC_O_27_CS_TC_O_28_CS_TC_O_30_CS_and_TC_O_32_CS_transaction_messages_with_times_and_priorities(
        csms, chargepoint):
    """During a transaction: a second AlwaysFront message replaces the first [O02.FR.18]; two InFront ones
    are both kept and reported with the transaction [O02.FR.16]; one waits for its start [O02.FR.06], one
    is removed at its end [O02.FR.07]; the transaction's end removes them all [O02.FR.02]."""
    station = chargepoint(connectors=1)
    transaction_id = charging(csms, station)

    def of_transaction(id_, priority, **members):
        return message(id_, priority, transaction_id=transaction_id, **members)

    assert set_message(csms, station, of_transaction(1, "AlwaysFront")) == ACCEPTED
    assert set_message(csms, station, of_transaction(2, "AlwaysFront")) == ACCEPTED
    assert get_messages(csms, station, 1, id=[1]) == "Unknown"
    assert get_messages(csms, station, 2, id=[2]) == ACCEPTED
    assert notified(csms, station, 2)[0]["messageInfo"][0]["transactionId"] == transaction_id

    assert set_message(csms, station, of_transaction(3, "InFront")) == ACCEPTED
    assert set_message(csms, station, of_transaction(4, "InFront", content="Message 3 2")) == ACCEPTED
    assert get_messages(csms, station, 3, priority="InFront") == ACCEPTED
    infos = notified(csms, station, 3)[0]["messageInfo"]
    assert [(i["id"], i["priority"], i["transactionId"]) for i in infos] == \
        [(3, "InFront", transaction_id), (4, "InFront", transaction_id)]

    assert set_message(csms, station, of_transaction(5, "InFront", start_date_time=in_seconds(2))) == ACCEPTED
    assert set_message(csms, station, of_transaction(6, "InFront", end_date_time=in_seconds(3))) == ACCEPTED
    in_force = {m["message"]["id"]: m["inForce"] for m in display(station)["messages"]}
    assert (in_force[5], in_force[6]) == (False, True)
    wait_display(station, lambda d: {m["message"]["id"]: m["inForce"] for m in d["messages"]}.get(5),
                 "the message in force from its start")
    wait_display(station, lambda d: 6 not in [m["message"]["id"] for m in d["messages"]], "the message gone at its end")
    assert get_messages(csms, station, 4, id=[6]) == "Unknown"
    assert shown_id(display(station)) == 2

    stop(station, 1)
    wait_display(station, lambda d: d["messages"] == [], "every message of the transaction removed")
    for number, id_ in enumerate([2, 3, 4, 5], start=5):
        assert get_messages(csms, station, number, id=[id_]) == "Unknown"


def test_TC_O_12_CS_the_same_id_replaces_the_message_and_all_its_parameters(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert set_message(csms, station, message(4, "InFront", "Old", state="Charging")) == ACCEPTED
    assert set_message(csms, station, message(4, "NormalCycle", "New")) == ACCEPTED
    assert get_messages(csms, station, 1, id=[4]) == ACCEPTED
    assert notified(csms, station, 1)[0]["messageInfo"] == [
        {"id": 4, "priority": "NormalCycle", "message": {"format": "UTF8", "content": "New"}}]
    assert shown_id(display(station)) == 4


def test_TC_O_13_CS_and_TC_O_14_CS_a_message_shows_from_its_start_and_is_removed_at_its_end(csms, chargepoint):
    """Not shown before startDateTime, shown from it, removed at endDateTime (then Unknown); reported with
    both times meanwhile [O01.FR.06/07]."""
    station = chargepoint(connectors=1)
    start_at, end_at = in_seconds(3), in_seconds(6)
    assert set_message(csms, station, message(8, "InFront", start_date_time=start_at, end_date_time=end_at)) == \
        ACCEPTED
    before = display(station)
    assert before["shown"] is None and before["messages"][0]["inForce"] is False
    assert get_messages(csms, station, 1, id=[8]) == ACCEPTED
    [info] = notified(csms, station, 1)[0]["messageInfo"]
    assert parse_time(info["startDateTime"]) == parse_time(start_at)
    assert parse_time(info["endDateTime"]) == parse_time(end_at)

    shown = wait_display(station, lambda d: d["shown"] is not None, "the message shown at its start")
    assert shown_id(shown) == 8 and datetime.now(timezone.utc) >= parse_time(start_at) - timedelta(seconds=1)
    wait_display(station, lambda d: d["messages"] == [], "the message removed at its end")
    assert datetime.now(timezone.utc) >= parse_time(end_at) - timedelta(seconds=1)
    assert get_messages(csms, station, 2, id=[8]) == "Unknown"


def test_TC_O_17_CS_TC_O_18_CS_and_TC_O_19_CS_what_the_station_does_not_support_is_refused(csms, chargepoint):
    """A station without NormalCycle and Faulted (DisplayMessageCtrlr narrowed): NotSupportedPriority,
    NotSupportedState; HTML, which the page never renders: NotSupportedMessageFormat [O01.FR.01–03]."""
    station = chargepoint(connectors=1, ocpp_config={
        "DisplayMessageCtrlr.SupportedPriorities": "AlwaysFront,InFront",
        "DisplayMessageCtrlr.SupportedStates": "Charging,Idle,Unavailable"})
    assert set_message(csms, station, message(1, "NormalCycle")) == "NotSupportedPriority"
    assert set_message(csms, station, message(2, "InFront", state="Faulted")) == "NotSupportedState"
    assert set_message(csms, station, message(3, "InFront", "<b>Hi</b>", fmt="HTML")) == "NotSupportedMessageFormat"
    assert get_messages(csms, station, 1) == "Unknown"


def test_TC_O_20_CS_messages_survive_a_restart(csms, chargepoint):
    """Stored persistently: after a kill and restart the message is still reported and shown [O01.FR.10]."""
    station = chargepoint(connectors=1)
    assert set_message(csms, station, message(6, "AlwaysFront", "Out of order soon")) == ACCEPTED
    station.restart()
    station.wait_registered()
    assert get_messages(csms, station, 9, id=[6]) == ACCEPTED
    assert notified(csms, station, 9)[0]["messageInfo"][0]["message"]["content"] == "Out of order soon"
    assert shown_id(display(station)) == 6


def test_TC_O_22_CS_several_InFront_messages_take_turns(csms, chargepoint):
    """Two InFront messages: both Accepted and reported; they cycle on the display ahead of a NormalCycle
    one [O01.FR.13/14]."""
    station = chargepoint(connectors=1)
    assert set_message(csms, station, message(1)) == ACCEPTED
    assert set_message(csms, station, message(2, "InFront")) == ACCEPTED
    assert set_message(csms, station, message(3, "InFront")) == ACCEPTED
    assert get_messages(csms, station, 1, id=[2]) == ACCEPTED
    assert get_messages(csms, station, 2, id=[3]) == ACCEPTED
    assert [reported_ids(notified(csms, station, n)) for n in (1, 2)] == [[2], [3]]
    first = display(station)
    assert first["cycle"] == [2, 3]
    other = {2: 3, 3: 2}[shown_id(first)]
    wait_display(station, lambda d: shown_id(d) == other, "the other InFront message's turn", timeout=12)


def test_TC_O_24_CS_a_second_AlwaysFront_message_replaces_the_first(csms, chargepoint):
    station = chargepoint(connectors=1)
    assert set_message(csms, station, message(1, "AlwaysFront")) == ACCEPTED
    assert set_message(csms, station, message(2, "AlwaysFront")) == ACCEPTED
    assert get_messages(csms, station, 1, id=[1]) == "Unknown"
    assert get_messages(csms, station, 2, id=[2]) == ACCEPTED
    notified(csms, station, 2)
    assert (shown_id(display(station)), display(station)["cycle"]) == (2, [2])


def test_TC_O_36_CS_to_TC_O_39_CS_a_message_with_a_state_shows_only_in_that_state(csms, chargepoint):
    """Idle, Charging (a transaction), Unavailable (ChangeAvailability Inoperative) and Faulted (the hardware
    side's fault): each message shows in its state only, and is reported with it."""
    station = chargepoint(connectors=1)
    for id_, state in enumerate(["Idle", "Charging", "Unavailable", "Faulted"], start=1):
        assert set_message(csms, station, message(id_, "InFront", state=state)) == ACCEPTED
    assert (display(station)["state"], display(station)["cycle"]) == ("Idle", [1])

    transaction_id = charging(csms, station)
    assert (display(station)["state"], display(station)["cycle"]) == ("Charging", [2])
    stop(station, 1)
    wait_event(csms, station, lambda e: e["eventType"] == "Ended"
               and e["transactionInfo"]["transactionId"] == transaction_id, "the transaction's end")
    station.api.ok_json("POST", "/api/v1/connectors/1/unplug")
    wait_display(station, lambda d: d["cycle"] == [1], "Idle again")

    assert csms.call(station.identity, call.ChangeAvailability(operational_status="Inoperative")).status == ACCEPTED
    assert (display(station)["state"], display(station)["cycle"]) == ("Unavailable", [3])
    assert csms.call(station.identity, call.ChangeAvailability(operational_status="Operative")).status == ACCEPTED
    station.api.ok_json("POST", "/api/v1/connectors/1/fault", json={"errorCode": "GroundFailure"})
    wait_status(csms, station, 1, "Faulted")
    assert (display(station)["state"], display(station)["cycle"]) == ("Faulted", [4])

    assert get_messages(csms, station, 1, state="Faulted") == ACCEPTED
    assert notified(csms, station, 1)[0]["messageInfo"][0]["state"] == "Faulted"


def test_beyond_DisplayMessages_maxLimit_a_new_message_is_rejected(csms, chargepoint):
    """The capacity is reported as DisplayMessages' maxLimit; a message beyond it is Rejected, replacing a
    stored id still Accepted [O01.FR.11]."""
    station = chargepoint(connectors=1)
    variable = station.api.ok_json("GET", "/api/v1/configuration/DisplayMessageCtrlr.DisplayMessages")
    capacity = int(variable["maxLimit"])
    for id_ in range(1, capacity + 1):
        assert set_message(csms, station, message(id_)) == ACCEPTED
    assert set_message(csms, station, message(capacity + 1)) == "Rejected"
    assert set_message(csms, station, message(capacity, "InFront")) == ACCEPTED
    assert station.api.ok_json("GET", "/api/v1/configuration/DisplayMessageCtrlr.DisplayMessages")["value"] == \
        str(capacity)


def test_malformed_display_requests_get_the_callerror_of_their_fault(csms, chargepoint):
    station = chargepoint(connectors=1)
    no_priority = '[2,"d1","SetDisplayMessage",{"message":{"id":1,"message":{"format":"UTF8","content":"x"}}}]'
    assert csms.call_raw(station.identity, no_priority)[:3] == [4, "d1", "OccurrenceConstraintViolation"]
    bad_state = ('[2,"d2","SetDisplayMessage",{"message":{"id":1,"priority":"InFront","state":"Asleep",'
                 '"message":{"format":"UTF8","content":"x"}}}]')
    assert csms.call_raw(station.identity, bad_state)[:3] == [4, "d2", "PropertyConstraintViolation"]
    assert csms.call_raw(station.identity, '[2,"d3","ClearDisplayMessage",{"id":"1"}]')[:3] == \
        [4, "d3", "TypeConstraintViolation"]
    assert csms.call_raw(station.identity, '[2,"d4","GetDisplayMessages",{"requestId":1,"id":[1],"x":1}]')[:3] \
        == [4, "d4", "FormatViolation"]
    assert display(station)["messages"] == []


def test_the_event_stream_shows_each_change_of_the_display(csms, chargepoint):
    """`display` events carry GET /api/v1/display's resource whenever what the display shows changes."""
    station = chargepoint(connectors=1)
    stream = EventStream(station.http_port)
    try:
        assert stream.next()[1] == "snapshot"
        assert set_message(csms, station, message(5, "InFront", "Hello")) == ACCEPTED
        shown = stream.until(lambda e: e[1] == "display" and e[2]["shown"] is not None, what="the message shown")
        assert shown[-1][2] == display(station)
        assert clear_message(csms, station, 5) == ACCEPTED
        blank = stream.until(lambda e: e[1] == "display", what="the display blank again")[-1][2]
        assert (blank["shown"], blank["messages"]) == (None, [])
    finally:
        stream.close()
