"""Child processes for end-to-end tests: `hostiran-bot run` and `hostiran-bot sandbox`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

EXECUTABLE = str(Path(sys.executable).parent / "hostiran-bot")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ChildProcess:
    """A started child process whose output goes to a log file that tests can read."""

    def __init__(self, arguments: list[str], log_path: Path, *, env: dict[str, str], cwd: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(arguments, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=cwd)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, fragment: str, timeout: float = 15) -> None:
        """Wait until the log contains `fragment`."""
        deadline = time.monotonic() + timeout
        while fragment not in self.log():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{fragment!r} not logged within {timeout} s:\n{self.log()[-3000:]}")
            time.sleep(0.05)

    def stop(self, timeout: float = 15) -> int:
        """Send SIGTERM and wait; kill it if it does not exit in time. Returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        return self.process.returncode


class SandboxProcess(ChildProcess):
    """`hostiran-bot sandbox` on a free port, with helpers for its control API."""

    def __init__(self, tmp_path: Path, token: str = "sandbox-token") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = token
        super().__init__([EXECUTABLE, "sandbox", "--port", str(self.port), "--token", token],
                         tmp_path / "sandbox.log", env=dict(os.environ), cwd=tmp_path)
        self._wait_until_listening()

    def _wait_until_listening(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox exited with {self.process.returncode}:\n{self.log()}")
            try:
                httpx.get(f"{self.url}/_sandbox/requests", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise TimeoutError(f"the sandbox did not listen within {timeout} s:\n{self.log()}")

    def requests(self) -> list[dict]:
        return httpx.get(f"{self.url}/_sandbox/requests", timeout=5).json()

    def posts(self) -> list[dict]:
        return [entry for entry in self.requests() if entry["method"] == "POST"]

    def control(self, method: str, path: str, json: object | None = None) -> httpx.Response:
        response = httpx.request(method, f"{self.url}/_sandbox/{path}", json=json, timeout=5)
        response.raise_for_status()
        return response


class BotProcess(ChildProcess):
    """`hostiran-bot run` against a stand-in Bot API server, with its own data folder."""

    def __init__(self, tmp_path: Path, *, bot_api_base_url: str, bot_api_file_url: str, bot_token: str,
                 owner_ids: str, extra_env: dict[str, str] | None = None, name: str = "bot") -> None:
        data_dir = tmp_path / "data"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "BOT_", "DATABASE_", "TOKEN_", "HOSTIRAN_"))}
        env.update({
            "TELEGRAM_BOT_TOKEN": bot_token,
            "BOT_OWNER_IDS": owner_ids,
            "DATABASE_URL": f"sqlite+aiosqlite:///{data_dir}/bot.sqlite3",
            "TELEGRAM_API_BASE_URL": bot_api_base_url,
            "TELEGRAM_API_FILE_URL": bot_api_file_url,
            "LOG_LEVEL": "DEBUG",
            "HOSTIRAN_TIMEOUT_SECONDS": "3",
            # The stand-in server has no flood limits, and tests send more than Telegram's 20 a minute.
            "TELEGRAM_GROUP_MESSAGES_PER_MINUTE": "1000",
        })
        env.update(extra_env or {})
        self.database_path = data_dir / "bot.sqlite3"
        # The working directory is the test's own, so a developer's .env is never read.
        super().__init__([EXECUTABLE, "run"], tmp_path / f"{name}.log", env=env, cwd=tmp_path)
