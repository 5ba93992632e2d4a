"""The proxy's certificate authority: made on first use in a directory, reused afterwards.

``CertificateAuthority(directory)`` holds ``fake-voice-ca.pem`` (the certificate clients are
told to trust) and ``fake-voice-ca-key.pem`` (its key and certificate, readable only by the
owner). Several processes may start on one directory at once: the first to link its key
file in place wins, and every other one uses that. Each host the proxy terminates TLS for
gets a certificate of its own, made in memory when first asked for.

Certificates come from ``cryptography``, an optional dependency
(``pip install 'fake_voice[proxy]'``): import this module through ``server.proxy``, which
says so when it is missing.
"""

from __future__ import annotations

import datetime
import os
import ssl
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "fake-voice-ca.pem"
CA_KEY = "fake-voice-ca-key.pem"
_CA_NAME = "fake_voice proxy CA (for tests only)"
_CA_DAYS = 3650
_HOST_DAYS = 365  # under the 398 days TLS clients accept for a server certificate
_PEM = serialization.Encoding.PEM


def default_directory() -> Path:
    """Where the CA lives unless ``--ca-dir`` says otherwise: the user's cache directory."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(cache) / "fake_voice" / "proxy-ca"


class CertificateAuthority:
    """The CA in ``directory`` (made there if absent) and the TLS contexts it signs."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._key, self._cert = _load_or_make(self.directory / CA_KEY)
        self.cert_path = self.directory / CA_CERT
        """The CA certificate (PEM): what clients are told to trust."""
        pem = self._cert.public_bytes(_PEM)
        if not self.cert_path.exists() or self.cert_path.read_bytes() != pem:
            _write_atomically(self.cert_path, pem, 0o644)
        self._host_key = ec.generate_private_key(ec.SECP256R1())
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def context(self, host: str) -> ssl.SSLContext:
        """A server-side TLS context whose certificate names ``host`` (made once per host)."""
        host = host.lower()
        with self._lock:
            found = self._contexts.get(host)
            if found is None:
                found = self._contexts[host] = self._make_context(host)
            return found

    def _make_context(self, host: str) -> ssl.SSLContext:
        public = self._host_key.public_key()
        ca_ski = self._cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        cert = (
            _builder(_HOST_DAYS)
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(self._cert.subject)
            .public_key(public)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(cert_sign=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski.value),
                critical=False,
            )
            .sign(self._key, hashes.SHA256())
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.set_alpn_protocols(["http/1.1"])  # the server speaks nothing else
        # ssl loads a certificate chain only from a file: one that lives just long enough.
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "host.pem"
            _write_atomically(path, _pem_key(self._host_key) + cert.public_bytes(_PEM), 0o600)
            context.load_cert_chain(path)
        return context


def _load_or_make(path: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The CA's key and certificate from ``path``, made and written there first if absent."""
    if not path.exists():
        new = ec.generate_private_key(ec.SECP256R1())
        _create_once(path, _pem_key(new) + _ca_certificate(new).public_bytes(_PEM))
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path} does not hold the key of a fake_voice proxy CA")
    return key, x509.load_pem_x509_certificate(data)


def _ca_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _CA_NAME)])
    return (
        _builder(_CA_DAYS)
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _builder(days: int) -> x509.CertificateBuilder:
    # A day's margin before now, for clocks a little behind this one.
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _create_once(path: Path, data: bytes) -> None:
    """Write ``path`` unless another process got there first (then keep theirs)."""
    scratch = _scratch_file(path, data, 0o600)
    try:
        os.link(scratch, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(scratch)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    os.replace(_scratch_file(path, data, mode), path)


def _scratch_file(path: Path, data: bytes, mode: int) -> str:
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.chmod(scratch, mode)
        os.write(handle, data)
    finally:
        os.close(handle)
    return scratch
