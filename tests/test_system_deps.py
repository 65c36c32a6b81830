"""`make system-deps` installs exactly what is missing, each package checked on its own.

The script runs against a fake PATH (fake commands) and a fake file tree
(SYSTEM_DEPS_ROOT) in --dry-run mode, so the tests see which packages it would ask
apt for, without touching the machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system-deps.sh"
ALL_PACKAGES = ["chromium", "postgresql", "poppler-utils", "npm", "haproxy", "fonts-dejavu-core", "fonts-noto-color-emoji"]
FILES = {
    "chromium": "usr/bin/chromium",
    "postgresql": "usr/lib/postgresql/15/bin/pg_ctl",
    "fonts-dejavu-core": "usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "fonts-noto-color-emoji": "usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
}
COMMANDS = {"poppler-utils": "pdftoppm", "npm": "npm", "haproxy": "haproxy"}


def fake_command(bindir: Path, name: str, output: str = "") -> None:
    path = bindir / name
    path.write_text(f"#!/bin/sh\necho '{output}'\n")
    path.chmod(0o755)


def run(tmp_path: Path, installed: set[str], *, uid: int = 0, sudo: bool = False) -> subprocess.CompletedProcess[str]:
    root, bindir = tmp_path / "root", tmp_path / "bin"
    root.mkdir(exist_ok=True)
    bindir.mkdir(exist_ok=True)
    fake_command(bindir, "id", str(uid))
    if sudo:
        fake_command(bindir, "sudo")
    for package in installed:
        if package in FILES:
            path = root / FILES[package]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
            path.chmod(0o755)
        else:
            fake_command(bindir, COMMANDS[package])
    env = {"PATH": str(bindir), "SYSTEM_DEPS_ROOT": str(root), "HOME": str(tmp_path)}
    return subprocess.run(
        ["/bin/sh", str(SCRIPT), "--dry-run"], capture_output=True, text=True, env=env, timeout=30
    )


def would_install(result: subprocess.CompletedProcess[str]) -> list[str]:
    for line in result.stdout.splitlines():
        if "would run:" in line:
            return line.split("--no-install-recommends", 1)[1].split()
    return []


def test_a_machine_with_nothing_gets_every_package(tmp_path):
    result = run(tmp_path, set())
    assert result.returncode == 0, result.stderr
    assert would_install(result) == ALL_PACKAGES
    assert "installing chromium postgresql" in result.stdout


def test_a_machine_with_everything_installs_nothing(tmp_path):
    result = run(tmp_path, set(ALL_PACKAGES))
    assert result.returncode == 0, result.stderr
    assert would_install(result) == []
    assert "nothing to install" in result.stdout


def test_nodejs_with_its_own_npm_never_gets_debians_npm(tmp_path):
    """The reference machine: Node.js 20 with its npm, PostgreSQL and DejaVu, no Chromium."""
    result = run(tmp_path, {"npm", "postgresql", "fonts-dejavu-core"})
    assert result.returncode == 0, result.stderr
    assert would_install(result) == ["chromium", "poppler-utils", "haproxy", "fonts-noto-color-emoji"]
    assert "npm" not in would_install(result)


@pytest.mark.parametrize("missing", ALL_PACKAGES)
def test_each_package_is_checked_on_its_own(tmp_path, missing):
    result = run(tmp_path, set(ALL_PACKAGES) - {missing})
    assert would_install(result) == [missing]


def test_without_root_it_uses_sudo(tmp_path):
    result = run(tmp_path, {"npm"}, uid=1000, sudo=True)
    assert result.returncode == 0, result.stderr
    assert "would run: sudo apt-get install" in result.stdout


def test_without_root_or_sudo_it_says_what_it_needs_and_stops(tmp_path):
    result = run(tmp_path, set(ALL_PACKAGES) - {"chromium"}, uid=1000)
    assert result.returncode == 1
    assert "need root or sudo to install: chromium" in result.stderr


def test_the_makefile_uses_the_script(repo_root):
    makefile = (repo_root / "Makefile").read_text()
    assert "sh scripts/system-deps.sh" in makefile
    assert os.access(SCRIPT, os.R_OK)
