"""GET /api/v1/events: Server-Sent Events for the web page and for scripts that wait instead of
polling. A snapshot comes first, then every change in order; Last-Event-ID resumes without loss
within the backlog; many clients at once, and a stalled one holds up nobody."""

from __future__ import annotations

import json
import queue
import socket
import threading
import time

from csms import wait_until

CLIENTS = 100


class EventStream:
    """A minimal SSE client on a raw socket (one thread), so a hundred of them stay cheap."""

    def __init__(self, port: int, last_event_id: int | None = None):
        self.events: queue.Queue = queue.Queue()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        header = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id is not None else ""
        self.sock.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n{header}\r\n"
                          .encode())
        self.head = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        raw = b""
        body = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                raw += chunk
                if not self.head:
                    if b"\r\n\r\n" not in raw:
                        continue
                    self.head, raw = raw.split(b"\r\n\r\n", 1)
                    assert b"chunked" in self.head.lower(), self.head
                decoded, raw = self._dechunk(raw)
                body = self._parse(body + decoded)
        except OSError:
            return

    @staticmethod
    def _dechunk(raw: bytes) -> tuple[bytes, bytes]:
        """Takes the complete chunks of a chunked body; returns their data and the unread rest."""
        data = b""
        while b"\r\n" in raw:
            size_line, rest = raw.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                break
            data += rest[:size]
            raw = rest[size + 2:]
        return data, raw

    def _parse(self, text: bytes) -> bytes:
        """Emits every complete event; returns the incomplete tail."""
        while b"\n\n" in text:
            block, text = text.split(b"\n\n", 1)
            fields = {}
            for line in block.decode().split("\n"):
                if ":" in line and not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
            if "event" in fields:
                self.events.put((int(fields["id"]), fields["event"], json.loads(fields["data"])))
        return text

    def next(self, timeout: float = 10):
        return self.events.get(timeout=timeout)

    def until(self, predicate, timeout: float = 10, what: str = "an event"):
        """Events up to and including the first that satisfies `predicate`."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {what} within {timeout} s; saw {[(i, t) for i, t, _ in seen]}"
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            seen.append(event)
            if predicate(event):
                return seen

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def is_status(status):
    return lambda event: event[1] == "connector" and event[2]["status"] == status


def test_snapshot_first_then_changes_in_order(csms, chargepoint):
    cp = chargepoint()
    stream = EventStream(cp.http_port)
    try:
        event_id, kind, snapshot = stream.next()
        assert kind == "snapshot"
        assert snapshot["status"]["identity"] == cp.identity
        assert snapshot["status"]["link"] == "connected"
        assert [c["status"] for c in snapshot["connectors"]] == ["Available", "Available"]
        assert snapshot["transactions"] == []
        assert {"key": "MeterValueSampleInterval", "value": "1", "readonly": False} in snapshot["configuration"]

        cp.api.ok_json("POST", "/api/v1/connectors/1/start", 201, json={"idTag": "TAG1"})
        seen = stream.until(is_status("Charging"), what="connector 1 Charging")
        kinds = [kind for _, kind, _ in seen]
        ids = [event_id for event_id, _, _ in seen]
        assert ids == sorted(ids) and len(set(ids)) == len(ids), ids
        assert min(ids) > event_id
        preparing = kinds.index("connector")
        assert seen[preparing][2]["status"] == "Preparing"
        actions = [data["action"] for _, kind, data in seen if kind == "frame" and data["direction"] == "out"
                   and data["type"] == "CALL"]
        assert actions[:3] == ["StatusNotification", "Authorize", "StartTransaction"], actions
        # Answers are named after the CALL they answer, which the stream finds among the frames before them.
        calls = {data["messageId"]: data["action"] for _, kind, data in seen
                 if kind == "frame" and data["direction"] == "out" and data["type"] == "CALL"}
        answers = [data for _, kind, data in seen if kind == "frame" and data["direction"] == "in"
                   and data["type"] == "CALLRESULT" and data["messageId"] in calls]
        assert answers and all(data["action"] == calls[data["messageId"]] for data in answers), answers
        started = [data for _, kind, data in seen if kind == "transaction"]
        assert started[0]["event"] == "started" and started[0]["transaction"]["idTag"] == "TAG1"

        meter = stream.until(lambda e: e[1] == "meter", what="a meter event")[-1][2]
        assert meter["connectorId"] == 1 and meter["powerW"] == 11000
    finally:
        stream.close()


def test_last_event_id_resumes_without_loss(csms, chargepoint):
    cp = chargepoint()
    first = EventStream(cp.http_port)
    try:
        snapshot_id, kind, _ = first.next()
        assert kind == "snapshot"
        cp.api.ok_json("PUT", "/api/v1/configuration/ConnectionTimeOut", json={"value": "77"})
        config_events = first.until(lambda e: e[1] == "configuration", what="the configuration event")
        last_id = config_events[-1][0]
    finally:
        first.close()

    # While nobody listens, more happens.
    cp.api.ok_json("PUT", "/api/v1/configuration/ConnectionTimeOut", json={"value": "78"})
    cp.api.ok_json("POST", "/api/v1/connectors/2/plug")

    resumed = EventStream(cp.http_port, last_event_id=last_id)
    try:
        seen = resumed.until(is_status("Preparing"), what="connector 2 Preparing after resume")
        assert seen[0][0] == last_id + 1, "the first resumed event follows the last one seen"
        assert all(kind != "snapshot" for _, kind, _ in seen)
        assert any(kind == "configuration" and data["value"] == "78" for _, kind, data in seen)
    finally:
        resumed.close()

    # An id that is not in the backlog (from the future, or long gone) gets a snapshot first.
    fresh = EventStream(cp.http_port, last_event_id=10**9)
    try:
        assert fresh.next()[1] == "snapshot"
    finally:
        fresh.close()


def test_many_clients_and_a_stalled_one_do_not_block_anyone(csms, chargepoint):
    cp = chargepoint()
    stalled = socket.create_connection(("127.0.0.1", cp.http_port))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # and never reads
    streams = [EventStream(cp.http_port) for _ in range(CLIENTS)]
    try:
        for stream in streams:
            assert stream.next()[1] == "snapshot"
        started = time.monotonic()
        for value in range(5, 25):
            cp.api.ok_json("PUT", "/api/v1/configuration/ConnectionTimeOut", json={"value": str(value)})
        cp.api.ok_json("POST", "/api/v1/connectors/1/plug")
        for stream in streams:
            seen = stream.until(is_status("Preparing"), what="connector 1 Preparing")
            values = [data["value"] for _, kind, data in seen if kind == "configuration"]
            assert values == [str(v) for v in range(5, 25)]
        assert time.monotonic() - started < 10
        # The API stays responsive with all of them attached.
        assert cp.api.get("/api/v1/status").status_code == 200
    finally:
        for stream in streams:
            stream.close()
        stalled.close()
    wait_until(lambda: cp.api.get("/healthz").status_code == 200, 5, "the service after the clients left")


def test_resume_includes_frames_exchanged_while_nobody_listened(csms, chargepoint):
    cp = chargepoint()
    first = EventStream(cp.http_port)
    try:
        last_id = first.next()[0]
    finally:
        first.close()
    csms.wait_for(lambda: True, 0.2, "a moment for the server to notice the client left")
    wait_until(lambda: cp.api.get("/metrics").status_code == 200, 5, "the API")  # some traffic meanwhile
    cp.api.ok_json("POST", "/api/v1/connectors/1/plug")
    csms.wait_for(lambda: any(p["status"] == "Preparing" for p in csms.calls("StatusNotification", cp.identity)),
                  10, "the Preparing StatusNotification")
    resumed = EventStream(cp.http_port, last_event_id=last_id)
    try:
        seen = resumed.until(lambda e: e[1] == "frame" and e[2]["type"] == "CALLRESULT"
                             and e[2]["action"] == "StatusNotification", what="the frames of the plug")
        assert all(kind != "snapshot" for _, kind, _ in seen)
        ids = [event_id for event_id, _, _ in seen]
        assert ids == sorted(ids) and ids[0] == last_id + 1, ids
        assert any(kind == "frame" and data["action"] == "StatusNotification" and data["type"] == "CALL"
                   for _, kind, data in seen)
    finally:
        resumed.close()


def test_a_client_that_leaves_at_once_or_asks_with_head_blocks_nothing(csms, chargepoint):
    cp = chargepoint()
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", cp.http_port)) as sock:
            sock.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    head = cp.api.request("HEAD", "/api/v1/events")
    assert head.status_code == 200
    assert cp.api.get("/api/v1/status", timeout=5).status_code == 200
    cp.api.ok_json("POST", "/api/v1/connectors/1/plug")
