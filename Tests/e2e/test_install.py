"""`make install` and `make release` with the binary under test (BINARY=, so no release build here): the
installed layout (the web page is built into the binary, so only the binary, the docs with openapi.yaml,
the unit and the settings file), the systemd unit (paths filled in, `systemd-analyze verify` and its
offline security score where systemd-analyze exists), the settings file (every CP_* variable the binary
reads, kept on reinstall) and the release archive."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from harness import REPO_ROOT, binary_path

ENV_TEMPLATE = REPO_ROOT / "deploy" / "chargepoint.env"
# `systemd-analyze security` scores exposure from 0 (locked down) to 10; the unit scores 1.4 today.
EXPOSURE_LIMIT = 2.0


def make(*arguments: str) -> subprocess.CompletedProcess:
    binary = binary_path().resolve()
    if not binary.is_file():
        pytest.fail(f"chargepoint binary not found at {binary}: run `swift build`", pytrace=False)
    result = subprocess.run(["make", "-s", "-C", str(REPO_ROOT), f"BINARY={binary}", *arguments],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"make {' '.join(arguments)}:\n{result.stdout}{result.stderr}"
    return result


def serve_variables() -> set[str]:
    """The CP_* variables `chargepoint serve` reads (string literals in Sources/chargepoint, but for the files
    of `chargepoint fleet`, Fleet*.swift, whose own variables the unit's `serve` never reads)."""
    names = set()
    for source in (REPO_ROOT / "Sources" / "chargepoint").glob("*.swift"):
        if not source.name.startswith("Fleet"):
            names |= set(re.findall(r'"(CP_[A-Z0-9_]+)"', source.read_text()))
    return names


def unit_settings(text: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def tree(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path below root: its mode and, for a file, its content."""
    return {str(p.relative_to(root)): (p.stat().st_mode, p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


def test_install_lays_out_the_service(tmp_path):
    root = tmp_path / "root"
    make("install", f"DESTDIR={root}")
    prefix = root / "usr" / "local"
    binary = prefix / "bin" / "chargepoint"
    assert binary.stat().st_mode & 0o777 == 0o755
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", version), version
    # The page is in the binary: nothing of Web/ is installed, and share/ holds only the docs.
    assert sorted(p.name for p in (prefix / "share").iterdir()) == ["doc"]
    assert not any(p.name in ("index.html", "app.js", "style.css") for p in root.rglob("*")), \
        "a copy of the page was installed"
    docs = prefix / "share" / "doc" / "chargepoint"
    assert {p.name for p in docs.iterdir()} == {"README.md", "CHANGELOG.md", "LICENSE", "openapi.yaml"}
    assert (docs / "openapi.yaml").read_bytes() == (REPO_ROOT / "openapi.yaml").read_bytes()
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in docs.iterdir())
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == sorted([
        "usr/local/bin/chargepoint", "usr/local/lib/systemd/system/chargepoint.service",
        "etc/chargepoint/chargepoint.env", *(f"usr/local/share/doc/chargepoint/{n}" for n in
                                              ("README.md", "CHANGELOG.md", "LICENSE", "openapi.yaml"))])

    unit = (prefix / "lib" / "systemd" / "system" / "chargepoint.service").read_text()
    assert not re.findall(r"@[A-Z]+@", unit), "a placeholder was left"
    settings = unit_settings(unit)
    assert settings["ExecStart"] == ["/usr/local/bin/chargepoint serve"]
    assert settings["EnvironmentFile"] == ["-/etc/chargepoint/chargepoint.env"]
    # Only the store's folder: the unit leaves CP_WEB_ROOT unset, so the service serves the built-in page.
    assert settings["Environment"] == ["CP_DATA_DIR=%S/chargepoint"] and settings["StateDirectory"] == ["chargepoint"]
    assert "CP_WEB_ROOT" not in unit
    for key, value in {"DynamicUser": "yes", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
                       "PrivateTmp": "yes", "CapabilityBoundingSet": "", "MemoryDenyWriteExecute": "yes",
                       "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6"}.items():
        assert settings[key] == [value], key
    assert "@system-service" in settings["SystemCallFilter"]

    env = root / "etc" / "chargepoint" / "chargepoint.env"
    assert env.stat().st_mode & 0o777 == 0o600, "it may hold the API token"
    assert env.read_text() == ENV_TEMPLATE.read_text()
    first = tree(root)
    make("install", f"DESTDIR={root}")
    assert tree(root) == first, "a second install must change nothing"
    env.write_text("CP_ID=CP042\n")
    again = make("install", f"DESTDIR={root}")
    assert env.read_text() == "CP_ID=CP042\n", "a reinstall must keep the operator's settings"
    assert "kept" in again.stdout


def test_release_binary_is_remade_when_the_embedded_files_change():
    """The binary carries Web/ and openapi.yaml (Plugins/EmbedFiles), so `make install` must rebuild it when
    one of them, the plugin or its tool changes, or it would ship a stale page. Read from make's database
    (`make -pn`, nothing is run)."""
    result = subprocess.run(["make", "-pn", "-C", str(REPO_ROOT), "help"], capture_output=True, text=True,
                            timeout=60, check=False)
    rule = re.search(r"^\.build/release/chargepoint: (.*)$", result.stdout, re.MULTILINE)
    assert rule, f"no rule for the release binary:\n{result.stdout[-2000:]}{result.stderr}"
    prerequisites = set(rule.group(1).split("|")[0].split())
    expected = {"Package.swift", "Package.resolved", "openapi.yaml", "Sources/embed-files/main.swift",
                *(str(p.relative_to(REPO_ROOT)) for folder in ("Web", "Plugins")
                  for p in (REPO_ROOT / folder).rglob("*") if p.is_file())}
    assert expected <= prerequisites, sorted(expected - prerequisites)


def test_install_honours_prefix_and_sysconfdir(tmp_path):
    root = tmp_path / "root"
    make("install", f"DESTDIR={root}", "PREFIX=/opt/chargepoint", "SYSCONFDIR=/etc/opt")
    unit = (root / "opt" / "chargepoint" / "lib" / "systemd" / "system" / "chargepoint.service").read_text()
    settings = unit_settings(unit)
    assert settings["ExecStart"] == ["/opt/chargepoint/bin/chargepoint serve"]
    assert settings["EnvironmentFile"] == ["-/etc/opt/chargepoint/chargepoint.env"]
    assert (root / "opt" / "chargepoint" / "bin" / "chargepoint").is_file()
    assert (root / "etc" / "opt" / "chargepoint" / "chargepoint.env").is_file()


def test_settings_file_documents_every_variable():
    """Every CP_* variable `chargepoint serve` reads is in the settings file, and it names no other."""
    documented = set(re.findall(r"^#(CP_[A-Z0-9_]+)=", ENV_TEMPLATE.read_text(), re.MULTILINE))
    assert documented == serve_variables()
    active = [line for line in ENV_TEMPLATE.read_text().splitlines() if line and not line.startswith("#")]
    assert active == [], "the template sets nothing: every default applies until the operator says otherwise"
    # CP_WEB_ROOT is a development override of the built-in page: no installed folder is suggested.
    assert re.findall(r"^#CP_WEB_ROOT=.*$", ENV_TEMPLATE.read_text(), re.MULTILINE) == ["#CP_WEB_ROOT="]
    assert "share/chargepoint" not in ENV_TEMPLATE.read_text()


def test_unit_passes_systemd_analyze(tmp_path):
    """Installed for real paths under tmp_path (not DESTDIR), so that verify finds the executable."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed (Debian package systemd): the unit was not verified")
    prefix = tmp_path / "usr" / "local"
    make("install", f"PREFIX={prefix}", f"SYSCONFDIR={tmp_path / 'etc'}")
    unit = prefix / "lib" / "systemd" / "system" / "chargepoint.service"
    verify = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False)
    assert verify.returncode == 0 and verify.stdout == verify.stderr == "", verify
    security = subprocess.run([analyze, "security", "--offline=yes", f"--threshold={EXPOSURE_LIMIT * 10:.0f}",
                               str(unit)], capture_output=True, text=True, timeout=60, check=False)
    score = re.search(r"Overall exposure level for chargepoint.service: ([\d.]+)", security.stdout)
    assert security.returncode == 0 and score and float(score.group(1)) <= EXPOSURE_LIMIT, security.stdout[-2000:]


def test_release_archive(tmp_path):
    dist = tmp_path / "dist"
    output = make("release", f"DIST={dist}").stdout.strip().splitlines()[-1]
    archive = Path(output)
    version = subprocess.run([str(binary_path()), "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    head = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short=7", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    name = archive.name.removesuffix(".tar.gz")
    assert re.fullmatch(rf"chargepoint-{re.escape(version)}(\+g{head}[0-9a-f]*(-dirty)?)?-linux-\w+", name), name
    assert archive.parent == dist and sorted(p.name for p in dist.iterdir()) == [archive.name, archive.name + ".sha256"]
    digest, listed = (dist / (archive.name + ".sha256")).read_text().split()
    assert listed == archive.name and digest == hashlib.sha256(archive.read_bytes()).hexdigest()

    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
        top = {n.split("/", 1)[1] for n in members if "/" in n and n.count("/") == 1}
        # No Web/: the page is in the binary. openapi.yaml stays, to read the contract before installing.
        assert top == {"chargepoint", "openapi.yaml", "chargepoint.service", "chargepoint.env", "LICENSE",
                       "README.md", "CHANGELOG.md"}
        assert set(members) == {name} | {f"{name}/{n}" for n in top}, "files only, no folders"
        assert all(m.uid == 0 and m.gid == 0 for m in members.values())
        assert members[f"{name}/chargepoint"].mode & 0o111
        assert tar.extractfile(f"{name}/openapi.yaml").read() == (REPO_ROOT / "openapi.yaml").read_bytes()
        assert tar.extractfile(f"{name}/chargepoint").read() == binary_path().resolve().read_bytes()
        unit = tar.extractfile(f"{name}/chargepoint.service").read().decode()
    assert unit_settings(unit)["ExecStart"] == ["/usr/local/bin/chargepoint serve"]
    assert "CP_WEB_ROOT" not in unit

    again = Path(make("release", f"DIST={dist}").stdout.strip().splitlines()[-1])
    assert again == archive and hashlib.sha256(again.read_bytes()).hexdigest() == digest, "the archive is reproducible"
