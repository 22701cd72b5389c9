"""Checks of the security half of the test infrastructure itself (csms.py's TLS, Basic auth,
client-certificate policy, handshake records and security-extension answers; pki.py's
certificates, signatures and hash data), against Python clients; needs no binary.

test_security_profiles.py and test_security_messages.py only mean something if the CSMS really
refuses what it should and records what it saw; these tests show it does."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import ssl
import warnings

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from csms import CALLERROR, CALLRESULT, CentralSystem, Settings, decode_basic, server_tls, wait_until
from pki import certificate_hash_data, public_key_bits, sign_bytes, verify_signature

IDENTITY = "SELFCHECK1"


@pytest.fixture
def root(pki):
    return pki.root_ca()


@pytest.fixture
def started():
    """Starts CentralSystems for a test and shuts them down afterwards."""
    systems: list[CentralSystem] = []

    def start(**kwargs) -> CentralSystem:
        csms = CentralSystem(**kwargs).start()
        systems.append(csms)
        return csms
    yield start
    for csms in systems:
        csms.shutdown()


def client_tls(ca=None, cert=None, min_version=None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca.cert_path) if ca else None)
    if cert is not None:
        context.load_cert_chain(str(cert.chain_path), str(cert.key_path))
    if min_version is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            context.minimum_version = min_version
    return context


def basic(user: str, password: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(user.encode() + b":" + password).decode()}


def attempt(csms: CentralSystem, *, tls: ssl.SSLContext | None = None, headers=None,
            identity: str = IDENTITY, url: str | None = None) -> str | Exception:
    """Open a websocket, send one BootNotification, return the reply text (or the exception)."""
    async def run():
        async with connect(f"{url or csms.url}/{identity}", subprotocols=["ocpp1.6"], ssl=tls,
                           additional_headers=headers, open_timeout=5) as websocket:
            await websocket.send(json.dumps([2, "b1", "BootNotification",
                                             {"chargePointVendor": "V", "chargePointModel": "M"}]))
            return await asyncio.wait_for(websocket.recv(), 5)
    try:
        return asyncio.run(run())
    except Exception as error:  # noqa: BLE001 - the test looks at which one
        return error


def test_tls_server_is_wss_on_localhost_and_records_the_handshake(started, pki, root):
    server = pki.server_certificate(root)
    csms = started(tls=server_tls(server.chain_path, server.key_path))
    assert csms.url.startswith("wss://localhost:")

    reply = attempt(csms, tls=client_tls(root))
    assert isinstance(reply, str) and json.loads(reply)[0] == CALLRESULT, reply
    [handshake] = csms.handshakes(IDENTITY)
    assert handshake.accepted and handshake.tls_version in ("TLSv1.2", "TLSv1.3")
    assert handshake.authorization is None and handshake.client_subject is None
    assert csms.client_hellos()[-1][1] == "localhost"
    [boot] = csms.call_frames("BootNotification", IDENTITY)
    assert csms.handshake_of(boot.connection) == handshake


@pytest.mark.parametrize("case", ["untrusted", "wrong-host", "expired"])
def test_a_client_refuses_a_bad_server_certificate_until_it_is_replaced(started, pki, root, case):
    other = pki.root_ca("Unrelated CA")
    bad = {"untrusted": lambda: pki.server_certificate(other), "wrong-host": lambda: pki.wrong_host_certificate(root),
           "expired": lambda: pki.expired_server_certificate(root)}[case]()
    csms = started(tls=server_tls(bad.chain_path, bad.key_path))

    error = attempt(csms, tls=client_tls(root))
    assert isinstance(error, ssl.SSLCertVerificationError), error
    assert csms.handshakes() == [] and len(csms.client_hellos()) == 1
    port = csms.port

    good = pki.server_certificate(root)
    csms.restart(tls=server_tls(good.chain_path, good.key_path))
    assert csms.port == port
    assert isinstance(attempt(csms, tls=client_tls(root)), str)
    assert len(csms.handshakes(accepted=True)) == 1


def test_basic_auth_admits_the_right_password_and_answers_401_otherwise(started):
    key = bytes(range(0x80, 0x94))  # binary, as a hex-encoded AuthorizationKey decodes
    csms = started(settings=Settings(basic_auth={IDENTITY: key}))

    for headers in (None, basic(IDENTITY, key + b"x"), basic("SOMEONE", key), {"Authorization": "Bearer abc"}):
        error = attempt(csms, headers=headers)
        assert isinstance(error, InvalidStatus) and error.response.status_code == 401, error
        assert error.response.headers["WWW-Authenticate"].startswith("Basic")
    assert isinstance(attempt(csms, headers=basic(IDENTITY, key)), str)

    handshakes = csms.handshakes(IDENTITY)
    assert [h.status for h in handshakes] == [401, 401, 401, 401, 101]
    assert (handshakes[-1].basic_user, handshakes[-1].basic_password) == (IDENTITY, key)
    assert handshakes[0].authorization is None and handshakes[3].basic_user is None
    assert csms.connection_count(IDENTITY) == 1
    csms.settings.basic_auth = None  # settings apply to the next handshake, no restart
    assert isinstance(attempt(csms), str)
    assert csms.violations == []


def test_decode_basic_keeps_colons_in_the_password():
    assert decode_basic("Basic " + base64.b64encode(b"CP:a:b").decode()) == ("CP", b"a:b")
    assert decode_basic("basic " + base64.b64encode(b"nocolon").decode()) == (None, None)
    assert decode_basic("Basic !!!") == (None, None)


def test_required_client_certificates(started, pki, root):
    server = pki.server_certificate(root)
    csms = started(tls=server_tls(server.chain_path, server.key_path, client_certs="required",
                                  client_ca=root.cert_path))
    stranger = pki.client_certificate(pki.root_ca("Unrelated CA"), IDENTITY)

    assert isinstance(attempt(csms, tls=client_tls(root)), Exception)
    assert isinstance(attempt(csms, tls=client_tls(root, stranger)), Exception)
    assert csms.handshakes() == []
    assert isinstance(attempt(csms, tls=client_tls(root, pki.client_certificate(root, IDENTITY, "CPO"))), str)
    [handshake] = csms.handshakes()
    assert handshake.client_subject == {"commonName": IDENTITY, "organizationName": "CPO"}
    assert x509.load_der_x509_certificate(handshake.client_certificate).subject.rfc4514_string() \
        == f"O=CPO,CN={IDENTITY}"


def test_optional_client_certificates(started, pki, root):
    server = pki.server_certificate(root)
    csms = started(tls=server_tls(server.chain_path, server.key_path, client_certs="optional",
                                  client_ca=root.cert_path))
    assert isinstance(attempt(csms, tls=client_tls(root)), str)
    assert isinstance(attempt(csms, tls=client_tls(root, pki.client_certificate(root, IDENTITY))), str)
    assert [h.client_subject for h in csms.handshakes()] == [None, {"commonName": IDENTITY}]


def test_a_client_certificate_stands_in_for_basic_auth_unless_told_otherwise(started, pki, root):
    server = pki.server_certificate(root)
    csms = started(tls=server_tls(server.chain_path, server.key_path, client_certs="optional",
                                  client_ca=root.cert_path), settings=Settings(basic_auth={IDENTITY: b"k" * 16}))
    client = client_tls(root, pki.client_certificate(root, IDENTITY))
    assert isinstance(attempt(csms, tls=client), str)
    assert isinstance(attempt(csms, tls=client_tls(root)), InvalidStatus)
    csms.settings.client_certificate_auth = lambda der: False
    assert isinstance(attempt(csms, tls=client), InvalidStatus)
    csms.settings.client_certificate_auth = False
    assert isinstance(attempt(csms, tls=client), InvalidStatus)
    assert [h.status for h in csms.handshakes()] == [101, 401, 401, 401]


def test_a_tls_1_1_server_is_refused_by_a_modern_client(started, pki, root):
    server = pki.server_certificate(root)
    csms = started(tls=server_tls(server.chain_path, server.key_path, max_version=ssl.TLSVersion.TLSv1_1))

    error = attempt(csms, tls=client_tls(root))
    assert isinstance(error, (ssl.SSLError, ConnectionError)), error
    assert csms.handshakes() == []
    assert isinstance(attempt(csms, tls=client_tls(root, min_version=ssl.TLSVersion.TLSv1)), str)
    assert [h.tls_version for h in csms.handshakes()] == ["TLSv1.1"]


@pytest.mark.parametrize("extension", [True, False])
def test_security_actions_are_answered_or_refused_like_citrineos(started, extension):
    csms = started(settings=Settings(security_extension=extension))

    async def run():
        async with connect(f"{csms.url}/{IDENTITY}", subprotocols=["ocpp1.6"]) as websocket:
            replies = []
            for index, (action, payload) in enumerate([
                    ("BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}),
                    ("SecurityEventNotification", {"type": "StartupOfTheDevice", "timestamp": "2030-01-01T00:00:00Z"}),
                    ("SignCertificate", {"csr": "-----BEGIN CERTIFICATE REQUEST-----"}),
                    ("LogStatusNotification", {"status": "Uploaded", "requestId": 1}),
                    ("SignedFirmwareStatusNotification", {"status": "Downloading", "requestId": 2})]):
                await websocket.send(json.dumps([2, f"m{index}", action, payload]))
                replies.append(json.loads(await asyncio.wait_for(websocket.recv(), 5)))
            return replies
    boot, *security = asyncio.run(run())

    assert boot[0] == CALLRESULT
    if extension:
        assert [r[0] for r in security] == [CALLRESULT] * 4
        assert security[1][2] == {"status": "Accepted"} and security[0][2] == {}
    else:
        assert [(r[0], r[2]) for r in security] == [(CALLERROR, "InternalError")] * 4
    assert csms.calls("SignCertificate", IDENTITY) == [{"csr": "-----BEGIN CERTIFICATE REQUEST-----"}]
    assert csms.violations == []


# ----- pki.py --------------------------------------------------------------------------------

def test_certificate_hash_data_follows_the_ocsp_rules(pki, root):
    rsa_root = pki.root_ca("RSA Root", key_kind="rsa")
    leaf = pki.client_certificate(pki.intermediate_ca(rsa_root), IDENTITY)

    data = certificate_hash_data(root.certificate)
    assert data["hashAlgorithm"] == "SHA256"
    assert data["issuerNameHash"] == hashlib.sha256(root.certificate.subject.public_bytes()).hexdigest()
    point = root.key.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    assert data["issuerKeyHash"] == hashlib.sha256(point).hexdigest()
    assert int(data["serialNumber"], 16) == root.certificate.serial_number
    assert data["serialNumber"] == data["serialNumber"].lower() and not data["serialNumber"].startswith("0")
    pkcs1 = rsa_root.key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    assert public_key_bits(rsa_root.certificate) == pkcs1
    intermediate = leaf.issuer.certificate
    assert certificate_hash_data(leaf.certificate, intermediate)["issuerKeyHash"] == \
        hashlib.sha256(public_key_bits(intermediate)).hexdigest()


def test_chains_signatures_and_csr_signing(pki, root):
    intermediate = pki.intermediate_ca(root)
    server = pki.server_certificate(intermediate)
    assert server.chain_pem.count("BEGIN CERTIFICATE") == 2
    server.certificate.verify_directly_issued_by(intermediate.certificate)
    intermediate.certificate.verify_directly_issued_by(root.certificate)
    assert pki.expired_server_certificate(root).certificate.not_valid_after_utc < x509.load_pem_x509_certificate(
        root.pem.encode()).not_valid_after_utc

    key = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, IDENTITY), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CPO")])) \
        .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
    chain = x509.load_pem_x509_certificates(pki.sign_csr(intermediate, csr).encode())
    assert len(chain) == 2 and chain[0].public_key() == key.public_key()
    chain[0].verify_directly_issued_by(intermediate.certificate)
    assert len(x509.load_pem_x509_certificates(pki.sign_csr(root, csr).encode())) == 1

    manufacturer = pki.manufacturer_root()
    for kind in ("ec", "rsa"):
        signer = pki.firmware_signing_certificate(manufacturer, key_kind=kind)
        signature = sign_bytes(signer.key, b"firmware")
        assert verify_signature(signer.certificate, b"firmware", signature)
        assert not verify_signature(signer.certificate, b"firmwarE", signature)


def test_handshake_records_survive_a_refused_attempt_for_wait_helpers(started):
    """wait_until over handshakes() is what the backoff tests use: it must see 401 attempts."""
    csms = started(settings=Settings(basic_auth={IDENTITY: b"right-key-0123456"}))
    for _ in range(2):
        attempt(csms, headers=basic(IDENTITY, b"wrong-key-0123456"))
    refused = wait_until(lambda: csms.handshakes(IDENTITY, accepted=False), 5, "refused handshakes")
    assert len(refused) == 2 and refused[0].time <= refused[1].time
