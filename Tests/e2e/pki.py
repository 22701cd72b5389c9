"""A throw-away PKI for the security tests (OCPP 1.6 security whitepaper), made at test time with
the `cryptography` package: root and intermediate CAs, CSMS server certificates (right host,
wrong host, expired), charge point client certificates, signing of a charge point's CSR, a
manufacturer root with a firmware signing certificate, signatures over firmware bytes, and the
OCPP CertificateHashData of a certificate. Everything is written into a directory the test owns
(a pytest tmp dir); nothing is committed.

    pki = Pki(tmp_path)
    root = pki.root_ca()
    server = pki.server_certificate(root)          # DNS:localhost, IP:127.0.0.1
    client = pki.client_certificate(root, "CP001")
    csms_tls = server_tls(server, client_ca=root, client_certs="required")   # csms.py
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
_ONE_DAY = timedelta(days=1)


def new_key(kind: str = "ec") -> PrivateKey:
    """A fresh private key: `ec` (P-256, the whitepaper's default) or `rsa` (2048 bits)."""
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown key kind {kind!r}")


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key: PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@dataclass
class Issued:
    """A certificate with its key, the chain above it (issuer first, root excluded) and its files:
    `cert_path` (the certificate), `chain_path` (certificate + chain: what a server presents),
    `key_path` (unencrypted PKCS#8 PEM)."""

    name: str
    certificate: x509.Certificate
    key: PrivateKey
    cert_path: Path
    key_path: Path
    chain_path: Path
    chain: list[x509.Certificate] = field(default_factory=list)
    issuer: Issued | None = None  # None for a self-signed root

    @property
    def pem(self) -> str:
        return pem(self.certificate)

    @property
    def chain_pem(self) -> str:
        return "".join(pem(c) for c in [self.certificate, *self.chain])

    @property
    def root(self) -> Issued:
        return self if self.issuer is None else self.issuer.root

    @property
    def subject_cn(self) -> str:
        return self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


class Pki:
    """Makes certificates into `directory`; every file name is unique within it."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)

    # ----- authorities -----------------------------------------------------------------

    def root_ca(self, common_name: str = "E2E Test Root CA", key_kind: str = "ec") -> Issued:
        """A self-signed CA certificate (pathLen unlimited)."""
        key = new_key(key_kind)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "E2E Tests")])
        builder = self._base(name, name, key.public_key(), _valid_now()) \
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True) \
            .add_extension(_ca_usage(), critical=True) \
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        return self._write(common_name, builder.sign(key, hashes.SHA256()), key, [], None)

    def intermediate_ca(self, issuer: Issued, common_name: str = "E2E Test Intermediate CA") -> Issued:
        key = new_key()
        builder = self._issued_builder(issuer, common_name, key, _valid_now()) \
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True) \
            .add_extension(_ca_usage(), critical=True)
        return self._sign(common_name, builder, issuer, key)

    # ----- end entities ------------------------------------------------------------------

    def server_certificate(self, issuer: Issued, dns_names: tuple[str, ...] = ("localhost",),
                           ips: tuple[str, ...] = ("127.0.0.1",), *, expired: bool = False,
                           common_name: str | None = None) -> Issued:
        """A TLS server certificate; `expired` makes one whose validity ended yesterday."""
        key = new_key()
        validity = _expired() if expired else _valid_now()
        names = [x509.DNSName(n) for n in dns_names] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
        builder = self._issued_builder(issuer, common_name or (dns_names or ips)[0], key, validity) \
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True) \
            .add_extension(x509.SubjectAlternativeName(names), critical=False) \
            .add_extension(_leaf_usage(), critical=True) \
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        return self._sign(f"server-{common_name or (dns_names or ips)[0]}", builder, issuer, key)

    def wrong_host_certificate(self, issuer: Issued) -> Issued:
        """A server certificate that names only wrong.example (no localhost, no IP)."""
        return self.server_certificate(issuer, ("wrong.example",), ())

    def expired_server_certificate(self, issuer: Issued) -> Issued:
        return self.server_certificate(issuer, expired=True)

    def client_certificate(self, issuer: Issued, identity: str, organization: str | None = None) -> Issued:
        """A charge point certificate: CN = identity (O = CpoName when given), clientAuth."""
        key = new_key()
        builder = self._issued_builder(issuer, identity, key, _valid_now(), organization) \
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True) \
            .add_extension(_leaf_usage(), critical=True) \
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        return self._sign(f"client-{identity}", builder, issuer, key)

    def firmware_signing_certificate(self, issuer: Issued, key_kind: str = "ec",
                                     common_name: str = "E2E Firmware Signing") -> Issued:
        """A code-signing certificate below a manufacturer root (see `manufacturer_root`)."""
        key = new_key(key_kind)
        builder = self._issued_builder(issuer, common_name, key, _valid_now()) \
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True) \
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                           critical=True) \
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        return self._sign(f"firmware-{common_name}", builder, issuer, key)

    def manufacturer_root(self, key_kind: str = "ec") -> Issued:
        return self.root_ca("E2E Manufacturer Root CA", key_kind)

    def sign_csr(self, issuer: Issued, csr_pem: str | bytes, days: int = 1) -> str:
        """Issue a client certificate for a PEM PKCS#10 request, keeping its subject and key; return
        the chain PEM the CSMS sends in CertificateSigned (leaf first, then the issuer chain, no root
        unless the issuer is the root)."""
        csr = x509.load_pem_x509_csr(csr_pem.encode() if isinstance(csr_pem, str) else csr_pem)
        now = datetime.now(timezone.utc)
        builder = x509.CertificateBuilder() \
            .subject_name(csr.subject).issuer_name(issuer.certificate.subject) \
            .public_key(csr.public_key()).serial_number(x509.random_serial_number()) \
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days)) \
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True) \
            .add_extension(_leaf_usage(), critical=True) \
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        leaf = builder.sign(issuer.key, hashes.SHA256())
        above = [issuer.certificate, *issuer.chain] if issuer.issuer is not None else []
        return "".join(pem(c) for c in [leaf, *above])

    # ----- internals ---------------------------------------------------------------------

    def _base(self, subject: x509.Name, issuer: x509.Name, public_key, validity) -> x509.CertificateBuilder:
        not_before, not_after = validity
        return x509.CertificateBuilder().subject_name(subject).issuer_name(issuer) \
            .public_key(public_key).serial_number(x509.random_serial_number()) \
            .not_valid_before(not_before).not_valid_after(not_after)

    def _issued_builder(self, issuer: Issued, common_name: str, key: PrivateKey, validity,
                        organization: str | None = None) -> x509.CertificateBuilder:
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
        if organization is not None:
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
        builder = self._base(x509.Name(attributes), issuer.certificate.subject, key.public_key(), validity)
        return builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)

    def _sign(self, name: str, builder: x509.CertificateBuilder, issuer: Issued, key: PrivateKey) -> Issued:
        certificate = builder.sign(issuer.key, hashes.SHA256())
        chain = [issuer.certificate, *issuer.chain] if issuer.issuer is not None else []
        return self._write(name, certificate, key, chain, issuer)

    def _write(self, name: str, certificate: x509.Certificate, key: PrivateKey,
               chain: list[x509.Certificate], issuer: Issued | None) -> Issued:
        stem = f"{next(self._counter):02d}-" + "".join(c if c.isalnum() or c in "-." else "_" for c in name)
        cert_path = self.directory / f"{stem}.crt.pem"
        chain_path = self.directory / f"{stem}.chain.pem"
        key_path = self.directory / f"{stem}.key.pem"
        cert_path.write_text(pem(certificate))
        chain_path.write_text("".join(pem(c) for c in [certificate, *chain]))
        key_path.write_text(key_pem(key))
        key_path.chmod(0o600)
        return Issued(name, certificate, key, cert_path, key_path, chain_path, chain, issuer)

    def bundle(self, *authorities: Issued, name: str = "bundle") -> Path:
        """A PEM file with these certificates (a --ca-file)."""
        path = self.directory / f"{next(self._counter):02d}-{name}.pem"
        path.write_text("".join(a.pem for a in authorities))
        return path


def _valid_now() -> tuple[datetime, datetime]:
    now = datetime.now(timezone.utc)
    return now - timedelta(minutes=5), now + 30 * _ONE_DAY


def _expired() -> tuple[datetime, datetime]:
    now = datetime.now(timezone.utc)
    return now - 30 * _ONE_DAY, now - _ONE_DAY


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                         encipher_only=False, decipher_only=False)


def _leaf_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                         data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                         encipher_only=False, decipher_only=False)


# ----- signatures and hashes -------------------------------------------------------------------

def sign_bytes(key: PrivateKey, data: bytes) -> str:
    """base64 of a SHA-256 signature over `data`: ECDSA (DER-encoded) or RSA PKCS#1 v1.5, as
    SignedUpdateFirmware's `firmware.signature` carries it."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
    else:
        signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verify_signature(certificate: x509.Certificate, data: bytes, signature_b64: str) -> bool:
    """The check the charge point must do, for self-tests of `sign_bytes`."""
    public_key = certificate.public_key()
    signature = base64.b64decode(signature_b64)
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - InvalidSignature and friends all mean "no"
        return False
    return True


def certificate_hash_data(certificate: x509.Certificate, issuer: x509.Certificate | None = None) -> dict:
    """OCPP CertificateHashDataType with SHA256: issuerNameHash = sha256(DER of the issuer Name),
    issuerKeyHash = sha256(the issuer's public key: the contents of the subjectPublicKey BIT STRING
    without its unused-bits octet, as OCSP and OpenSSL hash it), serialNumber = lowercase hex without
    leading zeros. `issuer` defaults to the certificate itself (a self-signed root)."""
    issuer = issuer or certificate
    return {
        "hashAlgorithm": "SHA256",
        "issuerNameHash": hashlib.sha256(certificate.issuer.public_bytes()).hexdigest(),
        "issuerKeyHash": hashlib.sha256(public_key_bits(issuer)).hexdigest(),
        "serialNumber": format(certificate.serial_number, "x"),
    }


def public_key_bits(certificate: x509.Certificate) -> bytes:
    """The subjectPublicKey BIT STRING contents of a certificate, read from its SPKI DER."""
    spki = certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    body, _ = _der_value(spki, 0, 0x30)            # SubjectPublicKeyInfo ::= SEQUENCE {
    _, offset = _der_value(body, 0, 0x30)          #   algorithm AlgorithmIdentifier,
    bits, _ = _der_value(body, offset, 0x03)       #   subjectPublicKey BIT STRING }
    assert bits[0] == 0, "a public key BIT STRING has no unused bits"
    return bits[1:]


def _der_value(data: bytes, offset: int, tag: int) -> tuple[bytes, int]:
    """The value of the DER element at `offset` (which must have `tag`) and the offset after it."""
    assert data[offset] == tag, f"DER tag {data[offset]:#x} at {offset}, expected {tag:#x}"
    length, offset = data[offset + 1], offset + 2
    if length & 0x80:
        count = length & 0x7F
        length, offset = int.from_bytes(data[offset:offset + count], "big"), offset + count
    return data[offset:offset + length], offset + length


def load_csr(csr_pem: str) -> x509.CertificateSigningRequest:
    return x509.load_pem_x509_csr(csr_pem.encode())


def name_attribute(name: x509.Name, oid) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return values[0].value if values else None
