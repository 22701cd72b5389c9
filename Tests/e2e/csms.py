"""A strict OCPP-J central system (CSMS) for end-to-end tests and `make demo`: OCPP 1.6, or 2.0.1
with `Settings.ocpp_version = "2.0.1"`.

It answers a charge point like a permissive CSMS would, but it also records every
frame in both directions and checks each frame the charge point sends against the
official OCPP 1.6 JSON schemas and the protocol rules a CSMS can observe on the wire.
The `ocpp` library only answers a bad CALL with a CALLERROR, which a charge point
is free to ignore; recording the problem in `violations` lets a test fail on it.

Two ways to use it:

* from pytest: `CentralSystem(...).start()` runs an asyncio loop in a background
  thread and offers a thread-safe, blocking API (`frames`, `calls`, `wait_for`,
  `call`, `send_raw`, `stop`, `restart` ...);
* standalone: `python csms.py --port 9000 --accept-tags TAG1,TAG2` logs one line
  per frame (`<identity> <- [2,"...","BootNotification",{...}]`) until Ctrl-C.

Security (OCPP 1.6 security whitepaper): with `tls=` (an `ssl.SSLContext`, see `server_tls`)
it serves `wss://localhost:PORT`, and it can ask for client certificates; `Settings.basic_auth`
answers a handshake without the right `Authorization: Basic` with HTTP 401. Every opening
handshake is recorded (`handshakes()`: Basic user and password, client certificate subject,
TLS version, HTTP status) and every TLS ClientHello (`client_hellos()`), so a test sees refused
attempts too. With `Settings.security_extension = False` the CP->CSMS security actions get a
CALLERROR InternalError, as CitrineOS 1.8 answers them.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import itertools
import json
import logging
import re
import signal
import ssl
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from ocpp.exceptions import InternalError, OCPPError
from ocpp.messages import Call, CallResult, validate_payload
from ocpp.routing import on
from ocpp.v16 import ChargePoint as OcppChargePoint
from ocpp.v16 import call_result
from ocpp.v16.enums import Action
from ocpp.v201 import ChargePoint as OcppChargingStation
from ocpp.v201 import call_result as call_result201
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed, NegotiationError

LOG = logging.getLogger("csms")

CALL, CALLRESULT, CALLERROR = 2, 3, 4
FROM_CP, TO_CP = "in", "out"
ARROWS = {FROM_CP: "<-", TO_CP: "->"}

# The error codes OCPP-J 1.6 defines, with its normative misspellings.
ERROR_CODES_16 = frozenset({
    "NotImplemented", "NotSupported", "InternalError", "ProtocolError", "SecurityError",
    "FormationViolation", "PropertyConstraintViolation", "OccurenceConstraintViolation",
    "TypeConstraintViolation", "GenericError",
})

# The error codes OCPP-J 2.0.1 defines ([P4] table 8).
ERROR_CODES_201 = frozenset({
    "FormatViolation", "GenericError", "InternalError", "MessageTypeNotSupported", "NotImplemented",
    "NotSupported", "OccurrenceConstraintViolation", "PropertyConstraintViolation", "ProtocolError",
    "RpcFrameworkError", "SecurityError", "TypeConstraintViolation",
})
ERROR_CODES = {"1.6": ERROR_CODES_16, "2.0.1": ERROR_CODES_201}

# What a 2.0.1 station may send while Pending besides BootNotification: what the CSMS's own requests
# cause (reports, triggered messages) [B02.FR.02/04].
PENDING_ALLOWED_201 = frozenset({"NotifyReport", "Heartbeat", "StatusNotification"})

# Payload members that carry an OCPP dateTime; we require UTC written with a `Z`.
TIME_KEYS = frozenset({
    "timestamp", "currentTime", "expiryDate", "validFrom", "validTo",
    "startSchedule", "scheduleStart", "retrieveDate", "startTime", "stopTime",
    # 2.0.1
    "generatedAt", "cacheExpiryDateTime", "retrieveDateTime", "installDateTime", "startDateTime",
    "endDateTime", "expiryDateTime", "oldestTimestamp", "latestTimestamp",
})

MAX_MESSAGE_ID_LENGTH = 36
# Slack allowed when checking that a BootNotification waited the interval we gave.
BOOT_INTERVAL_SLACK_S = 0.1
# How long an abrupt stop lets already-read CALLs get their answers out.
CRASH_DRAIN_S = 2.0

# CP->CSMS actions of the security extension; Settings.security_extension=False refuses them.
SECURITY_ACTIONS = frozenset({"SecurityEventNotification", "SignCertificate", "LogStatusNotification",
                              "SignedFirmwareStatusNotification"})
BASIC_REALM = 'Basic realm="OCPP"'
CLIENT_CERT_POLICIES = {"none": ssl.CERT_NONE, "optional": ssl.CERT_OPTIONAL, "required": ssl.CERT_REQUIRED}

_PAYLOAD_INDEX = {CALL: 3, CALLRESULT: 2, CALLERROR: 4}
# OCPP-J §4.1.3: a message id is at most 36 characters; a longer one is unreadable and answered as `-1`.
# Any message type but an answer's (3, 4) is answered with its id: a CALL, and under 2.0.1 an unknown type.
_CALL_ID_PREFIX = re.compile(r'^\s*\[\s*(?![34]\b)\d+\s*,\s*"((?:[^"\\]|\\.){0,36})"')


def utc_now() -> str:
    """Current UTC time as OCPP wants it: ISO 8601, milliseconds, `Z`."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(text: str) -> datetime:
    """Parse an OCPP dateTime (ISO 8601, `Z` or offset) into an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_until(predicate: Callable[[], Any], timeout: float = 10, what: str = "condition",
               interval: float = 0.05) -> Any:
    """Poll `predicate` until it returns something truthy and return that.

    Tests wait on conditions with a deadline instead of sleeping, so they are as fast
    as the system under test allows and still fail with a clear message.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def expected_call_id(text: str) -> str:
    """The id a charge point must echo when it answers `text` (OCPP-J rule: `-1` if unreadable)."""
    match = _CALL_ID_PREFIX.match(text)
    return match.group(1) if match else "-1"


@dataclass(frozen=True)
class Frame:
    """One websocket text frame as it crossed the wire, with what we could parse from it."""

    seq: int
    time: float  # time.time() when it was read or just before it was written
    identity: str
    connection: int  # serial number of the websocket connection, unique per CentralSystem
    direction: str  # FROM_CP ("in") or TO_CP ("out")
    raw: str
    message: list | None  # the parsed JSON array, None if it was not one
    action: str | None  # the CALL's action, or the action of the CALL a result answers

    @property
    def type_id(self) -> int | None:
        first = self.message[0] if self.message else None
        return first if type(first) is int else None

    @property
    def unique_id(self) -> str | None:
        return self.message[1] if self.message and len(self.message) > 1 else None

    @property
    def payload(self) -> Any:
        """CALL or CALLRESULT payload; for a CALLERROR its errorDetails."""
        index = _PAYLOAD_INDEX.get(self.type_id)
        return None if index is None else _get(self.message, index)

    @property
    def error_code(self) -> str | None:
        return _get(self.message, 2) if self.type_id == CALLERROR else None

    def line(self) -> str:
        """The log line for this frame: `<identity> <- <raw>`."""
        return f"{self.identity} {ARROWS[self.direction]} {self.raw}"


def _get(items: list, index: int) -> Any:
    return items[index] if len(items) > index else None


@dataclass
class Settings:
    """How the CSMS answers; tests may change any of it while the CSMS runs."""

    boot_statuses: list[str] = field(default_factory=lambda: ["Accepted"])
    heartbeat_interval: int = 60  # `interval` of an Accepted BootNotification
    retry_interval: int | None = None  # `interval` when Pending/Rejected (None: heartbeat_interval)
    accept_tags: set[str] = field(default_factory=set)
    blocked_tags: set[str] = field(default_factory=set)
    accept_all: bool = False
    answer_delay: float = 0.0  # seconds to sit on each CP CALL before answering (slow CSMS)
    # Basic auth of the opening handshake (security profiles 1 and 2): None accepts everyone;
    # {identity: password bytes}, or a callable(identity, password bytes or None) -> bool.
    # A handshake that fails it is answered HTTP 401 with WWW-Authenticate.
    basic_auth: dict[str, bytes] | Callable[[str, bytes | None], bool] | None = None
    # Security profile 3: whether a handshake's TLS-verified client certificate stands in for Basic
    # auth: True (any), False (none), or a callable(DER bytes) -> bool (e.g. only one issuer's).
    client_certificate_auth: bool | Callable[[bytes], bool] = True
    security_extension: bool = True  # False: CALLERROR InternalError to the CP's security CALLs
    sign_certificate_status: str = "Accepted"  # SignCertificate.conf status
    ocpp_version: str = "1.6"  # or "2.0.1": subprotocol, schemas, error codes and handlers follow it
    # 2.0.1 retry tests [E13]: answer the next N TransactionEvents with CALLERROR InternalError (TC_E_50/51),
    # or leave the next N unanswered, as a CSMS that never processed them (TC_E_41/42); counted down per frame.
    transaction_event_failures: int = 0
    transaction_event_silence: int = 0
    # 2.0.1 tokens' groups {idToken: groupIdToken (type Central)}, given in Authorize and TransactionEvent answers.
    group_id_tokens: dict[str, str] = field(default_factory=dict)

    @property
    def subprotocol(self) -> str:
        return "ocpp" + self.ocpp_version

    def certificate_admits(self, der: bytes) -> bool:
        rule = self.client_certificate_auth
        return bool(rule(der)) if callable(rule) else bool(rule)

    def admits(self, identity: str, password: bytes | None) -> bool:
        """Whether the handshake's Basic credentials (password None: none sent) pass basic_auth."""
        rule = self.basic_auth
        if rule is None:
            return True
        if callable(rule):
            return bool(rule(identity, password))
        return password is not None and identity in rule and rule[identity] == password

    def id_token_info(self, id_token: str) -> dict:
        """A 2.0.1 IdTokenInfo for a token: its status, and its group when group_id_tokens names one."""
        info = {"status": self.authorization(id_token)}
        group = {t.upper(): g for t, g in self.group_id_tokens.items()}.get(id_token.upper())
        if group is not None:
            info["group_id_token"] = {"id_token": group, "type": "Central"}
        return info

    def authorization(self, id_tag: str) -> str:
        """AuthorizationStatus for a tag; idTags compare case-insensitively (CiString20)."""
        tag = id_tag.upper()
        if tag in {t.upper() for t in self.blocked_tags}:
            return "Blocked"
        if self.accept_all or tag in {t.upper() for t in self.accept_tags}:
            return "Accepted"
        return "Invalid"

    def boot_interval(self, status: str) -> int:
        if status == "Accepted" or self.retry_interval is None:
            return self.heartbeat_interval
        return self.retry_interval


@dataclass(frozen=True)
class Handshake:
    """One websocket opening handshake as the CSMS saw it, accepted (status 101) or refused."""

    connection: int  # the serial a Frame.connection carries if it was accepted
    time: float
    identity: str
    path: str
    status: int  # HTTP status we answered: 101, or 401 for failed Basic auth
    authorization: str | None  # the raw Authorization header
    basic_user: str | None  # decoded from `Authorization: Basic`, None if absent or not Basic
    basic_password: bytes | None
    client_subject: dict[str, str] | None  # peer certificate subject {"commonName": ...}, None if none
    client_certificate: bytes | None  # its DER
    tls_version: str | None  # "TLSv1.2", "TLSv1.3", None for plain ws

    @property
    def accepted(self) -> bool:
        return self.status == 101


def decode_basic(header: str | None) -> tuple[str | None, bytes | None]:
    """(user, password bytes) of an `Authorization: Basic` value; (None, None) if it is not one.
    The password is split off at the first colon, the rest stays bytes (keys may be binary)."""
    if not header:
        return None, None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None, None
    user, colon, password = decoded.partition(b":")
    if not colon:
        return None, None
    return user.decode("utf-8", errors="replace"), password


def server_tls(certificate_chain: str | Path, private_key: str | Path, *, client_certs: str = "none",
               client_ca: str | Path | None = None, max_version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A server SSLContext for CentralSystem(tls=...): the PEM chain and key it presents;
    client_certs none|optional|required with `client_ca` (PEM bundle) to verify them against
    (optional: a certificate that is sent must verify); `max_version` below TLS 1.2 makes an
    outdated server (ciphers at @SECLEVEL=0 so OpenSSL 3 still offers it)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate_chain), str(private_key))
    context.verify_mode = CLIENT_CERT_POLICIES[client_certs]
    if client_certs != "none":
        if client_ca is None:
            raise ValueError("client certificates need client_ca")
        context.load_verify_locations(cafile=str(client_ca))
    if max_version is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if max_version < ssl.TLSVersion.TLSv1_2:
                context.set_ciphers("DEFAULT:@SECLEVEL=0")
                context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = max_version
    return context


@dataclass
class _Registration:
    """What we last told one charge point in a BootNotification answer."""

    status: str
    interval: int
    answered_at: float


class _StationHandler(OcppChargePoint):
    """The `ocpp` library's view of one connection; its @on handlers are the CSMS business logic."""

    def __init__(self, link: _Link):
        super().__init__(link.identity, link, response_timeout=10)
        self._csms = link.csms

    @on(Action.boot_notification)
    def on_boot_notification(self, **_):
        status = self._csms._next_boot_status(self.id)
        return call_result.BootNotification(
            current_time=utc_now(), interval=self._csms.settings.boot_interval(status), status=status)

    @on(Action.heartbeat)
    def on_heartbeat(self, **_):
        return call_result.Heartbeat(current_time=utc_now())

    @on(Action.status_notification)
    def on_status_notification(self, **_):
        return call_result.StatusNotification()

    @on(Action.authorize)
    def on_authorize(self, id_tag, **_):
        return call_result.Authorize(id_tag_info=self._tag_info(id_tag))

    @on(Action.start_transaction)
    def on_start_transaction(self, id_tag, **_):
        return call_result.StartTransaction(
            transaction_id=self._csms._next_transaction_id(), id_tag_info=self._tag_info(id_tag))

    @on(Action.stop_transaction)
    def on_stop_transaction(self, id_tag=None, **_):
        info = self._tag_info(id_tag) if id_tag is not None else None
        return call_result.StopTransaction(id_tag_info=info)

    @on(Action.meter_values)
    def on_meter_values(self, **_):
        return call_result.MeterValues()

    @on(Action.data_transfer)
    def on_data_transfer(self, **_):
        return call_result.DataTransfer(status="UnknownVendorId")

    @on(Action.diagnostics_status_notification)
    def on_diagnostics_status_notification(self, **_):
        return call_result.DiagnosticsStatusNotification()

    @on(Action.firmware_status_notification)
    def on_firmware_status_notification(self, **_):
        return call_result.FirmwareStatusNotification()

    # ----- security extension (CP -> CSMS) -----

    @on(Action.security_event_notification)
    def on_security_event_notification(self, **_):
        self._security_extension("SecurityEventNotification")
        return call_result.SecurityEventNotification()

    @on(Action.sign_certificate)
    def on_sign_certificate(self, **_):
        self._security_extension("SignCertificate")
        return call_result.SignCertificate(status=self._csms.settings.sign_certificate_status)

    @on(Action.log_status_notification)
    def on_log_status_notification(self, **_):
        self._security_extension("LogStatusNotification")
        return call_result.LogStatusNotification()

    @on(Action.signed_firmware_status_notification)
    def on_signed_firmware_status_notification(self, **_):
        self._security_extension("SignedFirmwareStatusNotification")
        return call_result.SignedFirmwareStatusNotification()

    def _security_extension(self, action: str) -> None:
        """A CSMS without the security extension (CitrineOS 1.8) answers CALLERROR InternalError."""
        if not self._csms.settings.security_extension:
            raise InternalError(description=f"{action} is not supported by this central system")

    def _tag_info(self, id_tag: str) -> dict:
        return {"status": self._csms.settings.authorization(id_tag)}


class _StationHandler201(OcppChargingStation):
    """The `ocpp` library's 2.0.1 view of one connection: the CSMS business logic for a 2.0.1 station."""

    def __init__(self, link: _Link):
        super().__init__(link.identity, link, response_timeout=10)
        self._csms = link.csms

    @on("BootNotification")
    def on_boot_notification(self, **_):
        status = self._csms._next_boot_status(self.id)
        return call_result201.BootNotification(
            current_time=utc_now(), interval=self._csms.settings.boot_interval(status), status=status)

    @on("Heartbeat")
    def on_heartbeat(self, **_):
        return call_result201.Heartbeat(current_time=utc_now())

    @on("StatusNotification")
    def on_status_notification(self, **_):
        return call_result201.StatusNotification()

    @on("NotifyReport")
    def on_notify_report(self, **_):
        return call_result201.NotifyReport()

    @on("NotifyDisplayMessages")
    def on_notify_display_messages(self, **_):
        return call_result201.NotifyDisplayMessages()

    @on("NotifyCustomerInformation")
    def on_notify_customer_information(self, **_):
        return call_result201.NotifyCustomerInformation()

    @on("SecurityEventNotification")
    def on_security_event_notification(self, **_):
        return call_result201.SecurityEventNotification()

    @on("DataTransfer")
    def on_data_transfer(self, **_):
        return call_result201.DataTransfer(status="UnknownVendorId")

    @on("Authorize")
    def on_authorize(self, id_token, **_):
        return call_result201.Authorize(id_token_info=self._csms.settings.id_token_info(id_token["id_token"]))

    @on("TransactionEvent")
    def on_transaction_event(self, id_token=None, **_):
        """The token's verdict when the event carries one [E01.FR.07]; CALLERROR InternalError while
        Settings.transaction_event_failures lasts (silence is handled by _Link before routing)."""
        if self._csms._take(self.id, "transaction_event_failures"):
            raise InternalError(description="TransactionEvent failure requested by the test")
        if id_token is None:
            return call_result201.TransactionEvent()
        return call_result201.TransactionEvent(id_token_info=self._csms.settings.id_token_info(id_token["id_token"]))

    @on("MeterValues")
    def on_meter_values(self, **_):
        return call_result201.MeterValues()

    @on("ReservationStatusUpdate")
    def on_reservation_status_update(self, **_):
        return call_result201.ReservationStatusUpdate()

    @on("SignCertificate")
    def on_sign_certificate(self, **_):
        return call_result201.SignCertificate(status=self._csms.settings.sign_certificate_status)
    @on("ReportChargingProfiles")
    def on_report_charging_profiles(self, **_):
        return call_result201.ReportChargingProfiles()

    @on("NotifyChargingLimit")
    def on_notify_charging_limit(self, **_):
        return call_result201.NotifyChargingLimit()

    @on("ClearedChargingLimit")
    def on_cleared_charging_limit(self, **_):
        return call_result201.ClearedChargingLimit()

    @on("NotifyEvent")
    def on_notify_event(self, **_):
        return call_result201.NotifyEvent()

    @on("NotifyMonitoringReport")
    def on_notify_monitoring_report(self, **_):
        return call_result201.NotifyMonitoringReport()

    @on("FirmwareStatusNotification")
    def on_firmware_status_notification(self, **_):
        return call_result201.FirmwareStatusNotification()

    @on("LogStatusNotification")
    def on_log_status_notification(self, **_):
        return call_result201.LogStatusNotification()


class _Link:
    """One websocket connection.

    A reader task records each frame the moment it arrives and checks it; a separate
    router task hands frames to the `ocpp` library in order. Keeping the two apart is
    what lets us see a second CALL arrive while the first is still unanswered. The
    library writes through `send`, which records before writing.
    """

    def __init__(self, csms: CentralSystem, identity: str, websocket, serial: int,
                 handshake: Handshake | None = None):
        self.csms = csms
        self.handshake = handshake
        self.identity = identity
        self.websocket = websocket
        self.serial = serial
        self.reading = True  # False once the CSMS "crashed": later frames are lost unread
        self.unanswered: set[str] = set()  # ids of CP CALLs we have not answered yet
        self.pending_out: dict[str, str | None] = {}  # ids of our CALLs -> action
        self.seen_call_ids: set[str] = set()
        self._inbox: asyncio.Queue[str | None] = asyncio.Queue()
        handler = _StationHandler201 if csms.settings.ocpp_version == "2.0.1" else _StationHandler
        self.station = handler(self)

    async def run(self) -> None:
        router = asyncio.create_task(self._route())
        try:
            async for text in self.websocket:
                if self.reading:
                    await self._receive(text)
        except ConnectionClosed:
            pass
        finally:
            self._inbox.put_nowait(None)
            await router

    async def send(self, text: str) -> None:
        """Record, then write; the library and `send_raw` both come through here."""
        frame = self.csms._record(self, TO_CP, text, self._outgoing_action(text))
        self._track_outgoing(frame, text)
        await self.websocket.send(text)

    def drained(self) -> bool:
        """True when every CALL we read has been answered and written out."""
        transport = self.websocket.transport
        return not self.unanswered and (transport is None or transport.get_write_buffer_size() == 0)

    def abort(self) -> None:
        """Drop the TCP connection without a close handshake, as a crashed server would."""
        if self.websocket.transport is not None:
            self.websocket.transport.abort()

    async def _route(self) -> None:
        while (text := await self._inbox.get()) is not None:
            message = _parse_array(text) or []
            if self.csms.settings.answer_delay > 0 and _is_call(message):
                await asyncio.sleep(self.csms.settings.answer_delay)
            if _is_call(message) and message[2] == "TransactionEvent" \
                    and self.csms._take(self.identity, "transaction_event_silence"):
                # Never answered: the CP may send its next CALL once its MessageTimeout has passed.
                self.unanswered.discard(message[1])
                continue
            await self.station.route_message(text)

    async def _receive(self, text: str | bytes) -> None:
        if isinstance(text, bytes):
            self.csms._violation(self.identity, f"binary frame received: {text[:80]!r}")
            return
        frame = self.csms._record(self, FROM_CP, text, self._incoming_action(_parse_array(text)))
        # Bookkeeping must happen before the router can answer, the schema check may come after.
        problems = self._inspect(frame)
        self._inbox.put_nowait(text)
        problems += await self._validate(frame)
        for problem in problems:
            self.csms._violation(self.identity, f"{problem}: {text[:300]}")

    def _incoming_action(self, message: list | None) -> str | None:
        if not message or len(message) < 2 or not isinstance(message[1], str):
            return None
        if message[0] == CALL:
            return _get(message, 2)
        return self.pending_out.get(message[1])

    def _outgoing_action(self, text: str) -> str | None:
        message = _parse_array(text)
        if message and message[0] == CALL:
            return _get(message, 2)
        if message and len(message) > 1 and isinstance(message[1], str):
            return self.csms._action_of_cp_call(self, message[1])
        return None

    def _track_outgoing(self, frame: Frame, text: str) -> None:
        if frame.type_id in (CALLRESULT, CALLERROR):
            self.unanswered.discard(frame.unique_id)
            if frame.action == "BootNotification" and frame.type_id == CALLRESULT:
                self.csms._remember_registration(self.identity, frame.payload, frame.time)
        else:  # a CALL, or garbage from send_raw: remember the id the answer must carry
            self.pending_out[expected_call_id(text)] = frame.action

    def _inspect(self, frame: Frame) -> list[str]:
        """Shape, ordering and id rules for a frame from the charge point; updates bookkeeping."""
        message = frame.message
        if message is None:
            return ["frame is not a JSON array"]
        inspector = {CALL: self._inspect_call, CALLRESULT: self._inspect_result,
                     CALLERROR: self._inspect_error}.get(frame.type_id)
        if inspector is None:
            return [f"unknown MessageTypeId {message[0]!r}"]
        return inspector(message, frame)

    def _inspect_call(self, message: list, frame: Frame) -> list[str]:
        if not _is_call(message):
            return ["CALL is not [2, id, action, {payload}]"]
        problems = []
        if self.unanswered:
            problems.append(f"{frame.action} sent while CALL {sorted(self.unanswered)} is unanswered")
        problems += self.csms._registration_problems(self.identity, frame.action, frame.time)
        if len(frame.unique_id) > MAX_MESSAGE_ID_LENGTH:
            problems.append(f"message id longer than {MAX_MESSAGE_ID_LENGTH} characters")
        if frame.unique_id in self.seen_call_ids:
            problems.append(f"message id {frame.unique_id!r} reused on this connection")
        self.seen_call_ids.add(frame.unique_id)
        self.unanswered.add(frame.unique_id)
        return problems

    def _inspect_result(self, message: list, frame: Frame) -> list[str]:
        if len(message) != 3 or not isinstance(message[1], str):
            return ["CALLRESULT is not [3, id, payload]"]
        if message[1] not in self.pending_out:
            return [f"CALLRESULT for unknown or already answered id {message[1]!r}"]
        if self.pending_out.pop(message[1]) is None:
            return [f"CALLRESULT answers our malformed CALL {message[1]!r}"]
        return []

    def _inspect_error(self, message: list, frame: Frame) -> list[str]:
        if len(message) != 5 or not all(isinstance(message[i], str) for i in (1, 2, 3)) \
                or not isinstance(message[4], dict):
            return ["CALLERROR is not [4, id, code, description, {details}]"]
        problems = []
        if message[1] not in self.pending_out:
            problems.append(f"CALLERROR for unknown or already answered id {message[1]!r}")
        self.pending_out.pop(message[1], None)
        version = self.csms.settings.ocpp_version
        if message[2] not in ERROR_CODES[version]:
            problems.append(f"error code {message[2]!r} is not an OCPP {version} code")
        return problems

    async def _validate(self, frame: Frame) -> list[str]:
        """Schema and dateTime checks of a well-formed CALL, or a CALLRESULT to one of our CALLs."""
        message = frame.message
        if frame.type_id == CALL and _is_call(message):
            checked = Call(message[1], message[2], message[3])
        elif frame.type_id == CALLRESULT and len(message) == 3 and frame.action:
            checked = CallResult(message[1], message[2], action=frame.action)
        else:
            return []
        return await _schema_problems(checked, self.csms.settings.ocpp_version) + _time_problems(checked.payload)


def _is_call(message: list) -> bool:
    return (len(message) == 4 and message[0] == CALL and isinstance(message[1], str)
            and isinstance(message[2], str) and isinstance(message[3], dict))


def _parse_array(text: str | bytes) -> list | None:
    try:
        message = json.loads(text)
    except (ValueError, TypeError):
        return None
    return message if isinstance(message, list) and message else None


async def _schema_problems(message: Call | CallResult, version: str) -> list[str]:
    """Validate with the library's copy of the official schemas of OCPP `version`."""
    kind = "CALL" if isinstance(message, Call) else "CALLRESULT"
    try:
        await validate_payload(message, version)
    except OCPPError as error:
        cause = (error.details or {}).get("cause", error.description)
        return [f"{message.action} {kind} fails the schema ({error.code}): {cause}"]
    return []


def _time_problems(payload: Any, path: str = "") -> list[str]:
    """Every dateTime must be ISO 8601 in UTC with a trailing `Z`."""
    problems = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            where = f"{path}.{key}" if path else key
            if key in TIME_KEYS and isinstance(value, str):
                problems += _time_problem(where, value)
            else:
                problems += _time_problems(value, where)
    elif isinstance(payload, list):
        for index, item in enumerate(payload):
            problems += _time_problems(item, f"{path}[{index}]")
    return problems


def _time_problem(where: str, value: str) -> list[str]:
    if not value.endswith("Z"):
        return [f"{where} {value!r} does not end with Z"]
    try:
        parse_time(value)
    except ValueError:
        return [f"{where} {value!r} is not an ISO 8601 dateTime"]
    return []


class CentralSystem:
    """The CSMS, with a blocking API that is safe to call from any thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, settings: Settings | None = None, *,
                 tls: ssl.SSLContext | None = None):
        """`tls` makes it a wss:// server (see `server_tls`); it may be replaced while stopped, or
        with `restart(tls=...)`, to change certificates or policy on the same port."""
        self.host = host
        self.port = port
        self.settings = settings or Settings()
        self.tls = tls
        self._lock = threading.Lock()
        self._frames: list[Frame] = []
        self._handshakes: list[Handshake] = []
        self._hellos: list[tuple[float, str | None]] = []
        self._violations: list[str] = []
        self._links: dict[str, _Link] = {}  # newest connection per identity
        self._open_links: set[_Link] = set()
        self._connections_per_identity: dict[str, int] = {}
        self._close_codes: dict[str, list[int | None]] = {}
        self._registrations: dict[str, _Registration] = {}
        self._boot_counts: dict[str, int] = {}
        self._seq = itertools.count(1)
        self._serials = itertools.count(1)
        self._transaction_ids = itertools.count(1)
        self._server = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL for `chargepoint --csms`; the charge point appends `/<identity>`. With TLS the
        name is `localhost` (what the test server certificates are issued for)."""
        if self.tls is not None:
            return f"wss://localhost:{self.port}"
        return f"ws://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> CentralSystem:
        """Listen (on a free port if `port` was 0); returns self for chaining."""
        self._ensure_loop()
        self._run(self._listen())
        LOG.info("CSMS listening on %s", self.url)
        return self

    def stop(self, abrupt: bool = True) -> None:
        """Stop listening and end every connection.

        abrupt=True behaves like a crash: frames that arrive from now on are lost unread,
        CALLs already read still get their answer written (so a test can reason about
        exactly-once delivery), then sockets are dropped without a close handshake.
        abrupt=False closes each websocket cleanly with code 1001.
        """
        if self.running:
            self._run(self._shutdown_server(abrupt), timeout=CRASH_DRAIN_S + 10)
            LOG.info("CSMS stopped (%s)", "abrupt" if abrupt else "clean")

    def restart(self, abrupt: bool = True, **changes: Any) -> None:
        """Stop if running, then listen again on the same port with all state kept; `tls=` (an
        SSLContext or None) swaps the TLS material or policy in between."""
        unknown = set(changes) - {"tls"}
        if unknown:
            raise TypeError(f"restart() cannot change {sorted(unknown)}")
        self.stop(abrupt=abrupt)
        if "tls" in changes:
            self.tls = changes["tls"]
        self.start()

    def shutdown(self) -> None:
        """Stop and end the background loop; the object cannot be started again."""
        self.stop(abrupt=False)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop = None

    # ----- recorded traffic ------------------------------------------------------

    @property
    def violations(self) -> list[str]:
        with self._lock:
            return list(self._violations)

    def frames(self, identity: str | None = None, action: str | None = None,
               direction: str | None = None, type_id: int | None = None) -> list[Frame]:
        """Recorded frames, oldest first, filtered by whatever is given."""
        with self._lock:
            frames = list(self._frames)
        return [f for f in frames
                if (identity is None or f.identity == identity)
                and (action is None or f.action == action)
                and (direction is None or f.direction == direction)
                and (type_id is None or f.type_id == type_id)]

    def call_frames(self, action: str | None = None, identity: str | None = None) -> list[Frame]:
        """CALL frames the charge point sent, oldest first."""
        return self.frames(identity=identity, action=action, direction=FROM_CP, type_id=CALL)

    def calls(self, action: str, identity: str | None = None) -> list[dict]:
        """Payloads of the charge point's CALLs for `action`, oldest first."""
        return [f.payload for f in self.call_frames(action, identity)]

    def answer_to(self, frame: Frame) -> Frame | None:
        """The CALLRESULT/CALLERROR that answered a CALL frame, if any yet."""
        for other in self.frames(identity=frame.identity):
            if other.seq > frame.seq and other.connection == frame.connection \
                    and other.direction != frame.direction and other.unique_id == frame.unique_id \
                    and other.type_id in (CALLRESULT, CALLERROR):
                return other
        return None

    def handshakes(self, identity: str | None = None, accepted: bool | None = None) -> list[Handshake]:
        """Opening handshakes (accepted and refused), oldest first."""
        with self._lock:
            found = list(self._handshakes)
        return [h for h in found if (identity is None or h.identity == identity)
                and (accepted is None or h.accepted == accepted)]

    def handshake_of(self, connection: int) -> Handshake | None:
        """The handshake of the connection a Frame.connection names."""
        return next((h for h in self.handshakes() if h.connection == connection), None)

    def client_hellos(self) -> list[tuple[float, str | None]]:
        """(time, SNI name or None) of every TLS ClientHello the server processed, whatever the
        handshake's outcome: shows TLS attempts that never reached the websocket handshake (a
        client that refuses our certificate). A hello in a version we do not speak is not seen."""
        with self._lock:
            return list(self._hellos)

    def connection_count(self, identity: str) -> int:
        """How many websocket connections this identity has opened so far."""
        with self._lock:
            return self._connections_per_identity.get(identity, 0)

    def close_codes(self, identity: str) -> list[int | None]:
        """The close code each ended connection of this identity received from the charge point, in
        order (None: the connection ended without a close frame from it)."""
        with self._lock:
            return list(self._close_codes.get(identity, []))

    def is_connected(self, identity: str) -> bool:
        with self._lock:
            link = self._links.get(identity)
            return link is not None and link in self._open_links

    def dump(self, limit: int = 400) -> str:
        """The last frames as log lines, for failure reports."""
        frames = self.frames()[-limit:]
        return "\n".join(f"{_clock(f.time)} {f.line()}" for f in frames)

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10,
                 what: str = "condition") -> Any:
        """Poll until `predicate()` is truthy; returns its value, raises AssertionError on timeout."""
        return wait_until(predicate, timeout, what)

    def wait_for_calls(self, action: str, identity: str | None = None, count: int = 1,
                       where: Callable[[dict], bool] = lambda payload: True,
                       timeout: float = 10) -> list[dict]:
        """Wait until the CP has sent at least `count` matching CALLs; returns all matching payloads."""
        def matching():
            found = [p for p in self.calls(action, identity) if where(p)]
            return found if len(found) >= count else None
        return wait_until(matching, timeout, f"{count} x {action} from {identity or 'any CP'}")

    # ----- talking to a charge point ----------------------------------------------

    def call(self, identity: str, payload: Any, timeout: float = 10) -> Any:
        """Send a CALL (an `ocpp.v16.call.*` dataclass) and return the call_result dataclass.

        A CALLERROR answer raises the matching `ocpp.exceptions.OCPPError`.
        """
        link = self._link(identity)

        async def send():
            link.station._response_timeout = timeout
            return await link.station.call(payload, suppress=False)
        return self._run(send(), timeout=timeout + 2)

    def send_raw(self, identity: str, text: str) -> None:
        """Write `text` as-is in one text frame (for malformed-input tests)."""
        link = self._link(identity)
        self._run(link.send(text))

    def call_raw(self, identity: str, text: str, timeout: float = 10) -> list:
        """Send `text` and wait for the CP's answer carrying the id OCPP-J says it must echo."""
        reply_id = expected_call_id(text)
        start = self.frames()[-1].seq if self.frames() else 0
        self.send_raw(identity, text)

        def reply():
            return next((f.message for f in self.frames(identity=identity, direction=FROM_CP)
                         if f.seq > start and f.type_id in (CALLRESULT, CALLERROR)
                         and f.unique_id == reply_id), None)
        return wait_until(reply, timeout, f"an answer with id {reply_id!r} to {text!r}")

    def set_boot_statuses(self, statuses: list[str]) -> None:
        """Answer the next BootNotifications with these statuses in order, repeating the last."""
        with self._lock:
            self.settings.boot_statuses = list(statuses)
            self._boot_counts.clear()

    # ----- internals (event-loop thread) -----------------------------------------

    def _ensure_loop(self) -> None:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="csms", daemon=True)
            self._thread.start()

    def _run(self, coroutine, timeout: float | None = 15) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def _link(self, identity: str) -> _Link:
        with self._lock:
            link = self._links.get(identity)
            if link is None or link not in self._open_links:
                raise AssertionError(f"charge point {identity!r} is not connected")
            return link

    async def _listen(self) -> None:
        if self.tls is not None:
            self.tls.sni_callback = self._client_hello
        self._server = await serve(
            self._handle, self.host, self.port, subprotocols=[self.settings.subprotocol],
            select_subprotocol=self._select_subprotocol, process_request=self._process_request,
            ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]

    def _client_hello(self, _ssl_object, server_name, _context) -> None:
        with self._lock:
            self._hellos.append((time.time(), server_name))

    def _process_request(self, connection, request):
        """Record the handshake; refuse it with 401 when Basic auth does not pass."""
        identity = _identity_of(request.path)
        header = request.headers.get("Authorization")
        user, password = decode_basic(header)
        ssl_object = connection.transport.get_extra_info("ssl_object") if connection.transport else None
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        admitted = (der is not None and self.settings.certificate_admits(der)) \
            or self.settings.admits(identity, password if user == identity else None)
        subject = None
        if der is not None:
            subject = {k: v for rdn in ssl_object.getpeercert().get("subject", ()) for k, v in rdn}
        handshake = Handshake(next(self._serials), time.time(), identity, request.path,
                              101 if admitted else 401, header, user, password, subject, der,
                              ssl_object.version() if ssl_object is not None else None)
        with self._lock:
            self._handshakes.append(handshake)
        connection.e2e_handshake = handshake
        if admitted:
            return None
        LOG.info("%s refused: HTTP 401 (Authorization %s)", identity, "sent" if header else "missing")
        response = connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
        response.headers["WWW-Authenticate"] = BASIC_REALM
        return response

    async def _shutdown_server(self, abrupt: bool) -> None:
        server, self._server = self._server, None
        if not abrupt:
            server.close()
        else:
            for link in list(self._open_links):
                link.reading = False
            await self._drain()
            server.close(close_connections=False)
            for link in list(self._open_links):
                link.abort()
        await asyncio.wait_for(server.wait_closed(), timeout=10)

    async def _drain(self) -> None:
        deadline = time.monotonic() + CRASH_DRAIN_S
        while not all(link.drained() for link in self._open_links) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    def _select_subprotocol(self, connection, offered):
        subprotocol = self.settings.subprotocol
        if subprotocol in offered:
            return subprotocol
        self._violation(_identity_of(connection.request.path),
                        f"websocket handshake offered {list(offered)}, not {subprotocol!r}")
        raise NegotiationError(f"expected subprotocol {subprotocol}")

    async def _handle(self, websocket) -> None:
        identity = _identity_of(websocket.request.path)
        handshake = getattr(websocket, "e2e_handshake", None)
        serial = handshake.connection if handshake is not None else next(self._serials)
        link = _Link(self, identity, websocket, serial, handshake)
        with self._lock:
            self._links[identity] = link
            self._open_links.add(link)
            self._connections_per_identity[identity] = self._connections_per_identity.get(identity, 0) + 1
        LOG.info("%s connected (connection %d)", identity, link.serial)
        try:
            await link.run()
        finally:
            received = websocket.protocol.close_rcvd
            with self._lock:
                self._open_links.discard(link)
                self._close_codes.setdefault(identity, []).append(received.code if received else None)
            LOG.info("%s disconnected (connection %d)", identity, link.serial)

    def _record(self, link: _Link, direction: str, raw: str, action: str | None) -> Frame:
        with self._lock:
            frame = Frame(next(self._seq), time.time(), link.identity, link.serial, direction,
                          raw, _parse_array(raw), action)
            self._frames.append(frame)
        LOG.info("%s", frame.line())
        return frame

    def _violation(self, identity: str, text: str) -> None:
        entry = f"{_clock(time.time())} {identity}: {text}"
        with self._lock:
            self._violations.append(entry)
        LOG.warning("VIOLATION %s", entry)

    def _action_of_cp_call(self, link: _Link, unique_id: str) -> str | None:
        with self._lock:
            for frame in reversed(self._frames):
                if frame.connection == link.serial and frame.direction == FROM_CP \
                        and frame.type_id == CALL and frame.unique_id == unique_id:
                    return frame.action
        return None

    def _next_boot_status(self, identity: str) -> str:
        with self._lock:
            statuses = self.settings.boot_statuses
            count = self._boot_counts.get(identity, 0)
            self._boot_counts[identity] = count + 1
            return statuses[min(count, len(statuses) - 1)]

    def _take(self, identity: str, setting: str) -> bool:
        """Count down one of the Settings counters (e.g. transaction_event_failures); True if it was > 0."""
        with self._lock:
            left = getattr(self.settings, setting)
            if left <= 0:
                return False
            setattr(self.settings, setting, left - 1)
        LOG.info("%s: %s (%d left)", identity, setting, left - 1)
        return True

    def _next_transaction_id(self) -> int:
        return next(self._transaction_ids)

    def _remember_registration(self, identity: str, payload: dict, when: float) -> None:
        with self._lock:
            self._registrations[identity] = _Registration(payload["status"], payload["interval"], when)

    def _registration_problems(self, identity: str, action: str, when: float) -> list[str]:
        """OCPP 1.6 §4.2 and 2.0.1 B01–B03 as seen from the CSMS: nothing before Accepted (under 2.0.1
        what our requests caused may go while Pending), no early re-boot."""
        with self._lock:
            registration = self._registrations.get(identity)
        status = registration.status if registration else "not yet answered"
        if action != "BootNotification":
            if status == "Accepted" or (status == "Pending" and self.settings.ocpp_version == "2.0.1"
                                        and action in PENDING_ALLOWED_201):
                return []
            return [f"{action} sent while registration is {status}"]
        if registration is None or status == "Accepted":
            return []
        waited = when - registration.answered_at
        if waited < registration.interval - BOOT_INTERVAL_SLACK_S:
            return [f"BootNotification {waited:.2f} s after {status} with interval {registration.interval} s"]
        return []


def _identity_of(path: str) -> str:
    """The charge point identity: the last path segment, percent-decoded."""
    return unquote(path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])


def _clock(when: float) -> str:
    return datetime.fromtimestamp(when).strftime("%H:%M:%S.%f")[:-3]


# ----- standalone ----------------------------------------------------------------

def _csv(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Strict OCPP 1.6-J test central system")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000, help="0 picks a free port")
    parser.add_argument("--accept-tags", type=_csv, default=[], help="comma-separated idTags to accept")
    parser.add_argument("--blocked-tags", type=_csv, default=[],
                        help="comma-separated idTags to answer Blocked")
    parser.add_argument("--accept-all", action="store_true", help="accept every idTag not blocked")
    parser.add_argument("--boot-status", type=_csv, default=["Accepted"],
                        help="BootNotification answers in order, the last repeats (e.g. Pending,Accepted)")
    parser.add_argument("--heartbeat-interval", type=int, default=60)
    parser.add_argument("--retry-interval", type=int, default=None,
                        help="interval sent with Pending/Rejected (default: heartbeat interval)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(message)s")
    logging.getLogger("ocpp").setLevel(logging.CRITICAL)  # its CALLERROR tracebacks duplicate our violations
    logging.getLogger("websockets").setLevel(logging.WARNING)  # we log connects ourselves
    settings = Settings(boot_statuses=args.boot_status, heartbeat_interval=args.heartbeat_interval,
                        retry_interval=args.retry_interval, accept_tags=set(args.accept_tags),
                        blocked_tags=set(args.blocked_tags), accept_all=args.accept_all)
    csms = CentralSystem(args.host, args.port, settings).start()
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    stopping.wait()
    csms.shutdown()
    LOG.info("%d protocol violation(s) seen", len(csms.violations))
    return 0


if __name__ == "__main__":
    sys.exit(main())
