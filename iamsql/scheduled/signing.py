"""Signatures of evidence manifests with an OpenSSH Ed25519 key, in OpenSSH's own signature format (SSHSIG,
``ssh-keygen -Y sign``), so that ``ssh-keygen -Y verify`` checks them without iamsql.

The key pair is made with ``ssh-keygen -t ed25519``: the private key file signs (``load_private_key``), the
``ssh-ed25519 AAAA...`` line of the ``.pub`` file verifies (``load_public_key``). The cryptography is the
``cryptography`` package's; this module only reads and writes the SSHSIG envelope (OpenSSH's PROTOCOL.sshsig).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from iamsql.errors import SigningError

NAMESPACE = "iamsql-evidence"  # ssh-keygen -Y verify -n iamsql-evidence
MAGIC = b"SSHSIG"
VERSION = 1
HASH = "sha512"
KEY_TYPE = "ssh-ed25519"
BEGIN, END = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """An OpenSSH Ed25519 private key file without a passphrase (a scheduled run has nobody to type one)."""
    data = _read_key_file(path, "signing key")
    try:
        key = serialization.load_ssh_private_key(data, password=None)
    except TypeError:  # encrypted
        raise SigningError(f"signing key {path} is protected by a passphrase; iamsql signs with a key without one "
                           "(ssh-keygen -t ed25519 -N ''), readable only by the account that runs it") from None
    except (ValueError, UnsupportedAlgorithm):
        raise SigningError(f"signing key {path}: not an OpenSSH private key "
                           "(make one with: ssh-keygen -t ed25519)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"signing key {path} is not an Ed25519 key (make one with: ssh-keygen -t ed25519)")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """The first ``ssh-ed25519 AAAA... [comment]`` line of a file (an OpenSSH ``.pub`` file)."""
    data = _read_key_file(path, "public key")
    lines = [line.strip() for line in data.splitlines() if line.strip() and not line.startswith(b"#")]
    try:
        key = serialization.load_ssh_public_key(lines[0]) if lines else None
    except (ValueError, UnsupportedAlgorithm):
        key = None
    if key is None:
        raise SigningError(f"public key {path}: not an OpenSSH public key line (ssh-ed25519 AAAA...)")
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"public key {path} is not an Ed25519 key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """OpenSSH's fingerprint of a public key (``SHA256:...``, as ``ssh-keygen -l`` prints it)."""
    digest = hashlib.sha256(_public_blob(key)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    """The armored SSHSIG signature of ``message`` (what ``ssh-keygen -Y sign -n iamsql-evidence`` writes)."""
    signature = key.sign(_signed_data(hashlib.sha512(message).digest()))
    blob = (MAGIC + struct.pack(">I", VERSION) + _string(_public_blob(key.public_key())) + _string(NAMESPACE.encode())
            + _string(b"") + _string(HASH.encode()) + _string(_string(KEY_TYPE.encode()) + _string(signature)))
    text = base64.b64encode(blob).decode()
    return "\n".join([BEGIN, *(text[i:i + 70] for i in range(0, len(text), 70)), END]) + "\n"


def verify(key: Ed25519PublicKey, message: bytes, armored: str) -> str | None:
    """``None`` when ``armored`` is a valid signature of ``message`` by ``key`` in iamsql's namespace, else
    what is wrong with it, in words."""
    try:
        fields = _parse(armored)
    except ValueError as exc:
        return f"not an SSH signature ({exc})"
    public, namespace, hash_algorithm, signature = fields
    if namespace != NAMESPACE.encode():
        return f"signed for another purpose (namespace {namespace.decode(errors='replace')!r})"
    if public != _public_blob(key):
        return "signed by another key"
    if hash_algorithm not in (b"sha512", b"sha256"):
        return f"unknown hash algorithm {hash_algorithm.decode(errors='replace')!r}"
    try:
        key_type, raw, rest = _split(signature, 2)
    except ValueError:
        return "not an SSH signature (truncated signature)"
    if key_type != KEY_TYPE.encode() or rest:
        return "not an Ed25519 signature"
    digest = hashlib.new(hash_algorithm.decode(), message).digest()
    try:
        key.verify(raw, _signed_data(digest, hash_algorithm))
    except InvalidSignature:
        return "does not match the manifest (the manifest was changed after signing)"
    return None


def _signed_data(digest: bytes, hash_algorithm: bytes = HASH.encode()) -> bytes:
    return MAGIC + _string(NAMESPACE.encode()) + _string(b"") + _string(hash_algorithm) + _string(digest)


def _public_blob(key: Ed25519PublicKey) -> bytes:
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return base64.b64decode(line.split()[1])


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _split(data: bytes, count: int) -> tuple[bytes, ...]:
    """``count`` SSH strings from the start of ``data``, and what follows them."""
    parts = []
    for _ in range(count):
        if len(data) < 4:
            raise ValueError("truncated")
        (size,) = struct.unpack(">I", data[:4])
        if len(data) < 4 + size:
            raise ValueError("truncated")
        parts.append(data[4:4 + size])
        data = data[4 + size:]
    return (*parts, data)


def _parse(armored: str) -> tuple[bytes, bytes, bytes, bytes]:
    """(public key blob, namespace, hash algorithm, signature blob) of an armored SSHSIG signature."""
    lines = [line.strip() for line in armored.strip().splitlines()]
    if len(lines) < 3 or lines[0] != BEGIN or lines[-1] != END:
        raise ValueError(f"no {BEGIN} block")
    try:
        blob = base64.b64decode("".join(lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("bad base64") from None
    if blob[:6] != MAGIC or len(blob) < 10 or struct.unpack(">I", blob[6:10])[0] != VERSION:
        raise ValueError("not SSHSIG version 1")
    public, namespace, _reserved, hash_algorithm, signature, rest = _split(blob[10:], 5)
    if rest:
        raise ValueError("trailing bytes")
    return public, namespace, hash_algorithm, signature
