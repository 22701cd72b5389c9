"""Security profiles of the OCPP 1.6 security whitepaper (edition 2), seen from the central system:
profile 1 sends `Authorization: Basic identity:AuthorizationKey` (text or hex-decoded bytes),
profile 2 adds TLS >= 1.2 with a verified server certificate (chain and hostname, from --ca-file),
profile 3 authenticates with the client certificate and no Authorization header. A refused
connect is retried with exponential backoff, a TLS failure never falls back to anything weaker,
and once the link is back the charge point reports the failure streak with ONE
SecurityEventNotification. ChangeConfiguration raises SecurityProfile (rejected when a
prerequisite is missing, rolled back when the first connect with it fails) and replaces the
AuthorizationKey (a reconnect with the new key), which never shows in GetConfiguration, the REST
API, /metrics or the log."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import ssl
import threading
from itertools import pairwise
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from csms import CentralSystem, server_tls, wait_until
from harness import (change_configuration, configuration_value, get_configuration, holds_for, security_events,
                     settle, unique_identity, wait_security_event)

MODERN_TLS = ("TLSv1.2", "TLSv1.3")
# Backoff 1, 2, 4 ... 30 s with +-20 % jitter: the next attempt after a streak comes within 36 s.
RECONNECT_TIMEOUT_S = 40
# How long a failing charge point is watched: covers its first three attempts (0, ~1, ~3 s).
FAIL_CLOSED_WINDOW_S = 4


def new_key() -> str:
    """A text AuthorizationKey: 24 printable ASCII characters, fresh per test."""
    return secrets.token_urlsafe(18)


def key_file(directory: Path, key: str) -> Path:
    path = directory / f"auth-key-{secrets.token_hex(4)}"
    path.write_text(key)
    path.chmod(0o600)
    return path


def profile_args(profile: int, key: Path | None = None, ca: Path | None = None, client=None) -> list[str]:
    """Command-line flags for a security profile; `client` is a pki.Issued certificate."""
    args = ["--security-profile", str(profile)]
    if key is not None:
        args += ["--auth-key-file", str(key)]
    if ca is not None:
        args += ["--ca-file", str(ca)]
    if client is not None:
        args += ["--client-cert", str(client.chain_path), "--client-key", str(client.key_path)]
    return args


def basic_value(identity: str, password: bytes) -> str:
    return base64.b64encode(identity.encode() + b":" + password).decode()


def wait_handshake(csms: CentralSystem, identity: str, since: int, timeout: float = RECONNECT_TIMEOUT_S):
    """The first accepted handshake of `identity` after the `since` it had already made."""
    def newer():
        accepted = csms.handshakes(identity, accepted=True)
        return accepted[since] if len(accepted) > since else None
    return csms.wait_for(newer, timeout, f"accepted handshake #{since + 1} of {identity}")


def link_down(cp) -> bool:
    return cp.api.status()["link"] != "connected"


def assert_reported_once(csms: CentralSystem, cp, event_type: str) -> None:
    """The charge point is back: it reports the failure streak with exactly one event."""
    wait_security_event(csms, cp.identity, event_type)
    settle(csms, cp)
    events = security_events(csms, cp.identity, event_type)
    assert len(events) == 1, f"{event_type} sent {len(events)} times: {events}"


class AlertingTLSServer:
    """A TLS server on a plain thread with blocking sockets. Unlike asyncio's SSL transport, which the
    CSMS runs on and which closes without the TLS alert when it refuses a handshake, it sends the alert
    (protocol_version, unknown_ca ...) as real servers do: the cause the charge point reads. Counts the
    handshakes it refused."""

    def __init__(self, port: int, context: ssl.SSLContext):
        self.context = context
        self.refused = 0
        self._socket = socket.create_server(("127.0.0.1", port))
        self._socket.settimeout(0.2)
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> AlertingTLSServer:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._running = False
        self._thread.join(timeout=5)
        self._socket.close()

    def _serve(self) -> None:
        while self._running:
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            connection.settimeout(5)
            # A second handle on the socket, for a lingering close after a refusal: with TLS 1.3 the client
            # already sends its upgrade request while we refuse its certificate, and closing with that unread
            # would reset the connection and drop the alert before the client reads it.
            raw = socket.socket(fileno=os.dup(connection.fileno()))
            try:
                with self.context.wrap_socket(connection, server_side=True) as tls:
                    tls.recv(1)
            except (ssl.SSLError, OSError):
                self.refused += 1
                self._linger(raw)
            finally:
                connection.close()
                raw.close()

    @staticmethod
    def _linger(raw: socket.socket) -> None:
        """Half-close, then read until the client closes (or 2 s pass), as servers do after an error."""
        try:
            raw.shutdown(socket.SHUT_WR)
            raw.settimeout(2)
            while raw.recv(4096):
                pass
        except OSError:
            pass


def refused_by_alerting_server(csms: CentralSystem, context: ssl.SSLContext, cp_factory) -> object:
    """Stops `csms`, serves `context` on its port until the charge point `cp_factory()` starts was refused
    twice, and returns that charge point with its link still down."""
    csms.stop()
    with AlertingTLSServer(csms.port, context) as server:
        cp = cp_factory()
        wait_until(lambda: server.refused >= 2, 15, "two refused TLS handshakes")
        assert link_down(cp)
    return cp


@pytest.fixture
def root(pki):
    return pki.root_ca()


@pytest.fixture
def server(pki, root):
    """The right server certificate: localhost and 127.0.0.1, issued by `root`."""
    return pki.server_certificate(root)


# ----- profile 1: Basic auth over ws ---------------------------------------------------------

@pytest.mark.parametrize("source", ["flag-file", "variable", "variable-file"])
def test_profile_1_sends_the_identity_and_key_as_basic_auth(csms, chargepoint, tmp_path, source):
    identity, key = unique_identity(), new_key()
    csms.settings.basic_auth = {identity: key.encode()}
    path = key_file(tmp_path, key)
    args, env = {
        "flag-file": (profile_args(1, path), {}),
        "variable": ([], {"CP_SECURITY_PROFILE": "1", "CP_AUTH_KEY": key}),
        "variable-file": ([], {"CP_SECURITY_PROFILE": "1", "CP_AUTH_KEY_FILE": str(path)}),
    }[source]
    cp = chargepoint(identity=identity, args=args, env=env)

    handshakes = csms.handshakes(identity)
    assert [h.status for h in handshakes] == [101], "the first connect is accepted, nothing refused before"
    assert (handshakes[0].basic_user, handshakes[0].basic_password) == (identity, key.encode())
    assert handshakes[0].authorization == f"Basic {basic_value(identity, key.encode())}"
    assert handshakes[0].tls_version is None
    assert configuration_value(csms, cp.identity, "SecurityProfile") == "1"


def test_a_wrong_key_is_retried_with_backoff_and_reported_once_the_link_is_back(csms, chargepoint, tmp_path):
    identity, right, wrong = unique_identity(), new_key(), new_key()
    csms.settings.basic_auth = {identity: right.encode()}
    cp = chargepoint(identity=identity, registered=False, args=profile_args(1, key_file(tmp_path, wrong)))

    def refused():
        found = csms.handshakes(identity, accepted=False)
        return found if len(found) >= 3 else None
    attempts = csms.wait_for(refused, 15, "three refused connects")[:3]
    assert all(h.status == 401 and h.basic_password == wrong.encode() for h in attempts)
    gaps = [b.time - a.time for a, b in pairwise(attempts)]
    assert gaps[0] >= 0.75, f"the first retry came {gaps[0]:.2f} s after the refusal, backoff starts at 1 s"
    assert gaps[1] >= 1.5 and gaps[1] > gaps[0], f"the backoff does not grow: gaps {gaps}"
    assert csms.handshakes(identity, accepted=True) == [] and link_down(cp)

    csms.settings.basic_auth = {identity: wrong.encode()}  # the CSMS now knows the charge point's key
    cp.wait_registered(RECONNECT_TIMEOUT_S)
    assert_reported_once(csms, cp, "FailedToAuthenticateAtCentralSystem")


def test_a_hex_key_is_sent_as_the_bytes_it_encodes(csms, chargepoint, tmp_path):
    identity = unique_identity()
    raw = b"\x00\xff:\x80" + secrets.token_bytes(16)  # 20 bytes: NUL, non-ASCII and a colon
    csms.settings.basic_auth = {identity: raw}
    cp = chargepoint(identity=identity, args=profile_args(1, key_file(tmp_path, raw.hex()))
                     + ["--auth-key-encoding", "hex"])

    [handshake] = csms.handshakes(cp.identity)
    assert handshake.accepted and handshake.basic_password == raw


# ----- profile 2: TLS + Basic auth --------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["wss", "ws"])
def test_profile_2_connects_over_tls_to_the_csms_host_port_and_path(csms_factory, chargepoint, tmp_path, root,
                                                                    server, scheme):
    identity, key = unique_identity(), new_key()
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path), basic_auth={identity: key.encode()})
    cp = chargepoint(tls_csms, identity=identity, csms_url=f"{scheme}://localhost:{tls_csms.port}/ocpp16",
                     args=profile_args(2, key_file(tmp_path, key), root.cert_path))

    [handshake] = tls_csms.handshakes(identity)
    assert handshake.accepted and handshake.tls_version in MODERN_TLS
    assert handshake.path == f"/ocpp16/{identity}"
    assert (handshake.basic_user, handshake.basic_password) == (identity, key.encode())
    assert configuration_value(tls_csms, cp.identity, "SecurityProfile") == "2"


@pytest.mark.parametrize("case", ["untrusted", "wrong-host", "expired"])
def test_a_bad_server_certificate_fails_closed_and_is_reported_after_recovery(csms_factory, chargepoint, pki,
                                                                             tmp_path, root, server, case):
    bad = {"untrusted": lambda: pki.server_certificate(pki.root_ca("Unrelated CA")),
           "wrong-host": lambda: pki.wrong_host_certificate(root),
           "expired": lambda: pki.expired_server_certificate(root)}[case]()
    identity, key = unique_identity(), new_key()
    tls_csms = csms_factory(server_tls(bad.chain_path, bad.key_path), basic_auth={identity: key.encode()})
    cp = chargepoint(tls_csms, identity=identity, registered=False,
                     args=profile_args(2, key_file(tmp_path, key), root.cert_path))

    tls_csms.wait_for(lambda: len(tls_csms.client_hellos()) >= 2, 15, "two TLS attempts")
    holds_for(lambda: tls_csms.handshakes() == [] and link_down(cp), 1, "no connection through a bad certificate")

    tls_csms.restart(tls=server_tls(server.chain_path, server.key_path))
    cp.wait_registered(RECONNECT_TIMEOUT_S)
    assert all(h.tls_version in MODERN_TLS for h in tls_csms.handshakes(identity))
    assert_reported_once(tls_csms, cp, "InvalidCentralSystemCertificate")


def test_a_server_offering_only_tls_1_1_is_refused_and_reported(csms_factory, chargepoint, tmp_path, root, server):
    identity, key = unique_identity(), new_key()
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path), basic_auth={identity: key.encode()})
    outdated = server_tls(server.chain_path, server.key_path, max_version=ssl.TLSVersion.TLSv1_1)
    cp = refused_by_alerting_server(tls_csms, outdated, lambda: chargepoint(
        tls_csms, identity=identity, registered=False, args=profile_args(2, key_file(tmp_path, key), root.cert_path)))

    tls_csms.restart(tls=server_tls(server.chain_path, server.key_path))
    cp.wait_registered(RECONNECT_TIMEOUT_S)
    assert all(h.tls_version in MODERN_TLS for h in tls_csms.handshakes(identity))
    assert_reported_once(tls_csms, cp, "InvalidTLSVersion")


# ----- profile 3: mutual TLS ------------------------------------------------------------------

def test_profile_3_authenticates_with_the_client_certificate_only(csms_factory, chargepoint, pki, root, server):
    identity = unique_identity()
    client = pki.client_certificate(root, identity)
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path, client_certs="required",
                                       client_ca=root.cert_path))
    cp = chargepoint(tls_csms, identity=identity, args=profile_args(3, ca=root.cert_path, client=client))

    [handshake] = tls_csms.handshakes(identity)
    assert handshake.accepted and handshake.tls_version in MODERN_TLS
    assert handshake.client_certificate == client.certificate.public_bytes(Encoding.DER)
    assert handshake.client_subject == {"commonName": identity}
    assert handshake.authorization is None, "profile 3 sends no Authorization header"
    assert configuration_value(tls_csms, cp.identity, "SecurityProfile") == "3"


def test_profile_3_with_a_client_certificate_the_server_refuses_fails_then_reports(csms_factory, chargepoint, pki,
                                                                                  root, server):
    identity = unique_identity()
    stranger = pki.root_ca("Unrelated CA")
    client = pki.client_certificate(stranger, identity)
    refusing = server_tls(server.chain_path, server.key_path, client_certs="required", client_ca=root.cert_path)
    tls_csms = csms_factory(refusing)
    cp = refused_by_alerting_server(tls_csms, refusing, lambda: chargepoint(
        tls_csms, identity=identity, registered=False, args=profile_args(3, ca=root.cert_path, client=client)))
    assert tls_csms.handshakes() == []

    tls_csms.restart(tls=server_tls(server.chain_path, server.key_path, client_certs="required",
                                    client_ca=pki.bundle(root, stranger)))
    cp.wait_registered(RECONNECT_TIMEOUT_S)
    assert_reported_once(tls_csms, cp, "FailedToAuthenticateAtCentralSystem")


# ----- ChangeConfiguration SecurityProfile -------------------------------------------------------

def test_raising_the_profile_from_2_to_3_reconnects_with_the_client_certificate_and_persists(
        csms_factory, chargepoint, pki, tmp_path, root, server):
    identity, key = unique_identity(), new_key()
    client = pki.client_certificate(root, identity)
    tls_csms = csms_factory(server_tls(server.chain_path, server.key_path, client_certs="optional",
                                       client_ca=root.cert_path), basic_auth={identity: key.encode()})
    cp = chargepoint(tls_csms, identity=identity,
                     args=profile_args(2, key_file(tmp_path, key), root.cert_path, client))
    assert tls_csms.handshakes(identity)[0].basic_password == key.encode()
    assert configuration_value(tls_csms, identity, "SecurityProfile") == "2"

    assert change_configuration(tls_csms, identity, "SecurityProfile", "3") == "Accepted"
    upgraded = wait_handshake(tls_csms, identity, since=1)
    assert upgraded.client_subject == {"commonName": identity} and upgraded.authorization is None
    cp.api.wait_status(RECONNECT_TIMEOUT_S, link="connected")
    assert configuration_value(tls_csms, identity, "SecurityProfile") == "3"
    assert tls_csms.handshakes(identity, accepted=False) == []

    cp.restart()
    after_restart = wait_handshake(tls_csms, identity, since=2)
    assert after_restart.client_subject == {"commonName": identity} and after_restart.authorization is None
    cp.api.wait_status(RECONNECT_TIMEOUT_S, link="connected", registration="Accepted")
    assert configuration_value(tls_csms, identity, "SecurityProfile") == "3"


def test_a_failing_upgrade_to_3_falls_back_to_2(csms_factory, chargepoint, pki, tmp_path, root, server):
    identity, key = unique_identity(), new_key()
    stranger = pki.root_ca("Unrelated CA")
    client = pki.client_certificate(stranger, identity)
    # TLS lets the stranger's certificate through (so profile 2 works whether or not the charge point
    # shows it), but only certificates from `root` stand in for Basic auth: profile 3 gets 401.
    tls_csms = csms_factory(
        server_tls(server.chain_path, server.key_path, client_certs="optional", client_ca=pki.bundle(root, stranger)),
        basic_auth={identity: key.encode()},
        client_certificate_auth=lambda der: x509.load_der_x509_certificate(der).issuer == root.certificate.subject)
    cp = chargepoint(tls_csms, identity=identity,
                     args=profile_args(2, key_file(tmp_path, key), root.cert_path, client))

    assert change_configuration(tls_csms, identity, "SecurityProfile", "3") == "Accepted"
    tls_csms.wait_for(lambda: tls_csms.handshakes(identity, accepted=False), RECONNECT_TIMEOUT_S,
                      "the connect with profile 3")
    refused = tls_csms.handshakes(identity, accepted=False)[0]
    assert refused.authorization is None and refused.client_subject == {"commonName": identity}
    back = wait_handshake(tls_csms, identity, since=1)
    assert back.time > refused.time
    assert (back.basic_user, back.basic_password) == (identity, key.encode()), "profile 2 again"
    cp.api.wait_status(RECONNECT_TIMEOUT_S, link="connected")
    assert configuration_value(tls_csms, identity, "SecurityProfile") == "2"

    cp.restart()
    again = wait_handshake(tls_csms, identity, since=2)
    assert again.basic_password == key.encode() and again.time > back.time
    assert len(tls_csms.handshakes(identity, accepted=False)) == 1, "after the fallback, profile 3 is not tried again"


REJECTED_CASES = {
    # case: (starting profile, what it is given, the values to try)
    "not-higher": (1, {"key"}, ["1", "0"]),
    "1-without-key": (0, set(), ["1"]),
    "2-without-key": (0, {"ca"}, ["2"]),
    "2-without-root": (1, {"key"}, ["2"]),
    "3-without-root": (1, {"key", "client"}, ["3"]),
    "3-without-client-certificate": (2, {"key", "ca"}, ["3"]),
}


@pytest.mark.parametrize("case", sorted(REJECTED_CASES))
def test_a_security_profile_the_charge_point_cannot_use_is_rejected(csms, csms_factory, chargepoint, pki, tmp_path,
                                                                     root, server, case):
    profile, given, values = REJECTED_CASES[case]
    identity, key = unique_identity(), new_key()
    target = csms
    if profile == 2:
        target = csms_factory(server_tls(server.chain_path, server.key_path))
    target.settings.basic_auth = {identity: key.encode()} if profile else None
    args = profile_args(profile, key_file(tmp_path, key) if "key" in given else None,
                        root.cert_path if "ca" in given else None,
                        pki.client_certificate(root, identity) if "client" in given else None)
    cp = chargepoint(target, identity=identity, args=args)

    for value in values:
        assert change_configuration(target, identity, "SecurityProfile", value) == "Rejected", value
    settle(target, cp)
    assert configuration_value(target, identity, "SecurityProfile") == str(profile)
    assert len(target.handshakes(identity)) == 1, "a rejected change made the charge point reconnect"
    assert target.connection_count(identity) == 1


# ----- ChangeConfiguration AuthorizationKey ------------------------------------------------------

def test_a_new_authorization_key_reconnects_with_it_and_is_kept(csms, chargepoint, tmp_path):
    identity, old, new = unique_identity(), new_key(), new_key()
    csms.settings.basic_auth = {identity: old.encode()}
    cp = chargepoint(identity=identity, args=profile_args(1, key_file(tmp_path, old)))

    csms.settings.basic_auth = {identity: new.encode()}  # from now on only the new key opens the door
    assert change_configuration(csms, identity, "AuthorizationKey", new) == "Accepted"
    reconnect = wait_handshake(csms, identity, since=1)
    assert reconnect.basic_password == new.encode()
    cp.api.wait_status(RECONNECT_TIMEOUT_S, link="connected")
    assert csms.handshakes(identity, accepted=False) == [], "the old key was tried against the CSMS"

    cp.restart()  # the key from the CSMS wins over --auth-key-file from now on
    assert wait_handshake(csms, identity, since=2).basic_password == new.encode()
    assert csms.handshakes(identity, accepted=False) == []


@pytest.mark.parametrize("source", ["file", "variable"])
def test_the_authorization_key_never_shows(csms, chargepoint, tmp_path, source):
    identity, old, new = unique_identity(), new_key(), new_key()
    csms.settings.basic_auth = {identity: old.encode()}
    if source == "file":
        cp = chargepoint(identity=identity, args=profile_args(1, key_file(tmp_path, old)))
    else:
        cp = chargepoint(identity=identity, env={"CP_SECURITY_PROFILE": "1", "CP_AUTH_KEY": old})

    def assert_hidden_in_get_configuration():
        listed = get_configuration(csms, identity)
        assert "AuthorizationKey" not in [e["key"] for e in listed["configurationKey"]], listed
        named = get_configuration(csms, identity, ["AuthorizationKey"])
        assert [e for e in named.get("configurationKey", []) if e["key"] == "AuthorizationKey"] == \
            [{"key": "AuthorizationKey", "readonly": False}], named
        assert "AuthorizationKey" not in named.get("unknownKey", [])

    assert_hidden_in_get_configuration()
    csms.settings.basic_auth = {identity: new.encode()}
    assert change_configuration(csms, identity, "AuthorizationKey", new) == "Accepted"
    wait_handshake(csms, identity, since=1)
    cp.api.wait_status(RECONNECT_TIMEOUT_S, link="connected")
    assert_hidden_in_get_configuration()

    secret_texts = [old, new, basic_value(identity, old.encode()), basic_value(identity, new.encode())]
    seen = []
    for path in ["/api/v1/configuration", "/api/v1/configuration/AuthorizationKey", "/api/v1/status", "/metrics",
                 "/api/v1/security-events", "/api/v1/messages", "/api/v1/messages?limit=1000"]:
        response = cp.api.get(path)
        seen.append(f"{path}: {response.status_code} {response.text}")
        seen.extend(f"{path}: {name}: {value}" for name, value in response.headers.items())
    assert any("/api/v1/messages" in text and "ChangeConfiguration" in text for text in seen), \
        "the frame log shows the ChangeConfiguration (with the key hidden)"
    for text in seen:
        for secret in secret_texts:
            assert secret not in text, f"a secret shows in {text[:300]}"
    cp.terminate()
    log = cp.log_path.read_text(errors="replace")
    for secret in secret_texts:
        assert secret not in log, "a secret shows in the charge point's log"
