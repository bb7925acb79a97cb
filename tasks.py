#!/usr/bin/env python3
"""Run the bot or its tests in a project virtual environment, creating it when needed.

    python3 tasks.py run            run the bot (settings from the environment or .env)
    python3 tasks.py test [ARGS]    run the test suite; ARGS go to pytest
    python3 tasks.py sandbox [ARGS] serve the stand-in HostIran API; ARGS go to `hostiran-bot sandbox`

Only Python 3.11 or newer is needed: the first call makes `.venv` and installs the project
into it, and later calls reinstall only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
PYTEST_NO_TESTS_COLLECTED = 5


def ensure_environment(extras: str) -> None:
    """Create the virtual environment and install the project with `extras` if anything changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under any python3 on PATH
        sys.exit(f"Python 3.11 or newer is required; this is {sys.version.split()[0]}.")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}-{extras or 'base'}"
    # An install with the test extras also serves `run`.
    if stamp.exists() or (not extras and (VENV / f".installed-{digest}-test").exists()):
        return
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing the project and its dependencies ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--editable", target], cwd=ROOT, check=True)
    for old in VENV.glob(".installed-*"):
        if not old.name.startswith(f".installed-{digest}-"):
            old.unlink()
    stamp.touch()


def main(arguments: list[str]) -> int:
    if not arguments or arguments[0] not in ("run", "test", "sandbox"):
        print(__doc__)
        return 2
    task, rest = arguments[0], arguments[1:]
    ensure_environment("test" if task == "test" else "")
    os.chdir(ROOT)
    if task == "test":
        result = subprocess.run([str(PYTHON), "-m", "pytest", *rest])
        if result.returncode == PYTEST_NO_TESTS_COLLECTED:
            print("No tests were collected: check the arguments given to pytest.", file=sys.stderr)
            return 1
        return result.returncode
    command = [str(BIN / "hostiran-bot"), task, *rest]
    if os.name == "posix":
        # Become the bot, so that SIGTERM and Ctrl-C reach it directly and a supervisor sees it stop.
        os.execv(command[0], command)
    try:
        return subprocess.run(command).returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
