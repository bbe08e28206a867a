"""Signed evidence manifests: ``evidence run --sign-key`` writes ``manifest.json.sig`` (OpenSSH's SSHSIG format)
and ``evidence verify --public-key`` fails unsigned, rewritten or otherwise-signed runs. Keys are made here."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from iamsql import scheduled as evidence
from iamsql.common.files import sha256_file
from iamsql.scheduled import signing
from tests.test_evidence import ACCOUNT, basic_toml, cli


def write_key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """An OpenSSH Ed25519 key pair as ``ssh-keygen -t ed25519 -N ''`` writes it: ``name`` and ``name.pub``."""
    key = Ed25519PrivateKey.generate()
    private = folder / name
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                          serialization.NoEncryption()))
    public = folder / f"{name}.pub"
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                     serialization.PublicFormat.OpenSSH) + b" auditor@example\n")
    return private, public


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """Two signed runs of one evidence folder and the key pair that signed them."""
    base = tmp_path_factory.mktemp("signed")
    private, public = write_key_pair(base, "evidence_key")
    config = evidence.load_config(basic_toml(base, f"sign_key = {json.dumps(str(private))}"), env={})
    runs = [evidence.run(config) for _ in range(2)]
    return base, public, [r.folder for r in runs]


@pytest.fixture
def fresh(signed, tmp_path):
    base, public, folders = signed
    shutil.copytree(base / "evidence", tmp_path / "evidence")
    return tmp_path / "evidence", public, [tmp_path / "evidence" / ACCOUNT / f.name for f in folders]


def problems(results) -> list[str]:
    return [p for r in results for p in r.problems]


def test_signed_runs_verify_with_the_public_key(fresh, monkeypatch, capsys):
    root, public, folders = fresh
    for folder in folders:
        assert (folder / "manifest.json.sig").read_text().startswith("-----BEGIN SSH SIGNATURE-----")
        declared = json.loads((folder / "manifest.json").read_text())["signature"]
        assert declared["key"] == signing.fingerprint(signing.load_public_key(public))
    results = evidence.verify(root, public_key=public)
    assert len(results) == 2 and all(r.ok for r in results), problems(results)
    code, out, _err = cli(monkeypatch, capsys, "evidence", "verify", str(root), "--public-key", str(public))
    assert code == 0 and out.count("ok ") == 2
    # the key's check is said, as the run without a key gets a note that it was not checked
    assert out.count("note     signed by the given key (manifest.json.sig verified)") == 2


def test_rewritten_manifest_fails_even_with_its_sidecar_recomputed(fresh, monkeypatch, capsys):
    root, public, folders = fresh
    manifest = folders[-1] / "manifest.json"
    text = manifest.read_text().replace('"exit_code": 0', '"exit_code": 1')
    assert text != manifest.read_text()
    manifest.write_text(text)
    (folders[-1] / "manifest.sha256").write_text(f"{sha256_file(manifest)}  manifest.json\n")
    assert evidence.verify(folders[-1])[0].ok  # the hashes alone cannot tell
    failed = [r for r in evidence.verify(root, public_key=public) if not r.ok]
    assert [r.folder for r in failed] == [folders[-1]]
    assert problems(failed) == ["signature: does not match the manifest (the manifest was changed after signing)"]
    code, out, _err = cli(monkeypatch, capsys, "evidence", "verify", str(root), "--public-key", str(public))
    assert code == 1 and f"FAILED {folders[-1]}" in out


def test_another_key_fails(fresh, tmp_path):
    root, _public, _folders = fresh
    _other_private, other_public = write_key_pair(tmp_path, "other")
    results = evidence.verify(root, public_key=other_public)
    assert problems(results) == ["signature: signed by another key"] * 2


def test_unsigned_run_fails_with_a_public_key_and_is_named_without(fresh):
    root, public, folders = fresh
    (folders[0] / "manifest.json.sig").unlink()
    failed = [r for r in evidence.verify(root, public_key=public) if not r.ok]
    assert [r.folder for r in failed] == [folders[0]]
    assert problems(failed) == ["signature: unsigned (no manifest.json.sig)"]
    # without the key, the manifest still says the run was signed
    assert problems(evidence.verify(root)) == ["signature: manifest.json.sig is missing (the manifest says the "
                                               "run was signed)"]


def test_run_made_without_a_key_fails_verification_with_one(tmp_path):
    _private, public = write_key_pair(tmp_path, "k")
    run = evidence.run(evidence.load_config(basic_toml(tmp_path), env={}))
    assert not (run.folder / "manifest.json.sig").exists()
    assert evidence.verify(run.folder)[0].ok
    assert problems(evidence.verify(run.folder, public_key=public)) == ["signature: unsigned (no manifest.json.sig)"]


def test_signature_checks_with_ssh_keygen(fresh, tmp_path):
    """The signature is OpenSSH's own format: ssh-keygen -Y verify accepts it without iamsql."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    _root, public, folders = fresh
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"auditor {public.read_text().split(' auditor')[0]}\n")
    command = ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "auditor", "-n", signing.NAMESPACE,
               "-s", str(folders[0] / "manifest.json.sig")]
    good = subprocess.run(command, input=(folders[0] / "manifest.json").read_bytes(), capture_output=True)
    assert good.returncode == 0, good.stderr
    bad = subprocess.run(command, input=(folders[1] / "manifest.json").read_bytes(), capture_output=True)
    assert bad.returncode != 0


def rsa_private_key(path: Path) -> Path:
    key = generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                       serialization.NoEncryption()))
    return path


def encrypted_key(path: Path) -> Path:
    """A passphrase-protected key, made by ssh-keygen (cryptography needs bcrypt to write one)."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", str(path)], check=True)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p, "cannot read signing key"),
    (lambda p: (p.mkdir(), p)[1], "cannot read signing key"),
    (lambda p: (p.write_bytes(b"\x00garbage\xff" * 40), p)[1], "not an OpenSSH private key"),
    (lambda p: (p.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), p)[1],
     "not an OpenSSH private key"),
    (rsa_private_key, "is not an Ed25519 key"),
    (encrypted_key, "is protected by a passphrase"),
])
def test_unusable_signing_key_is_one_line_before_anything_runs(tmp_path, monkeypatch, capsys, make, message):
    key = make(tmp_path / "key")
    code, out, err = cli(monkeypatch, capsys, "evidence", "run", "--config", str(basic_toml(tmp_path)),
                         "--sign-key", str(key))
    assert code == 254 and out == ""  # the run failed before anything ran: bad input, as check's
    assert err.startswith("error: ") and "signing key" in err and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "evidence").exists()


@pytest.mark.parametrize("content", [None, b"", b"ssh-ed25519 not-base64!\n", b"\xff\xfe garbage\n"])
def test_unusable_public_key_is_one_line(fresh, tmp_path, monkeypatch, capsys, content):
    root, _public, _folders = fresh
    key = tmp_path / "key.pub"
    if content is not None:
        key.write_bytes(content)
    code, out, err = cli(monkeypatch, capsys, "evidence", "verify", str(root), "--public-key", str(key))
    assert code == 2 and out == ""
    assert err.startswith(f"error: {'cannot read ' if content is None else ''}public key") and err.count("\n") == 1, err


def test_rsa_public_key_is_refused(fresh, tmp_path):
    root, _public, _folders = fresh
    key = generate_private_key(public_exponent=65537, key_size=2048).public_key()
    path = tmp_path / "rsa.pub"
    path.write_bytes(key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH))
    with pytest.raises(signing.SigningError, match="is not an Ed25519 key"):
        evidence.verify(root, public_key=path)
