"""Fixtures for end-to-end tests: the stand-in Bot API, the sandbox and the bot as child processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.bot_api import BotApiServer
from tests.support.processes import BotProcess, SandboxProcess

BOT_TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
OWNER_ID = 1001
ADMIN_ID = 2002
MEMBER_ID = 3003
STRANGER_ID = 4004
GROUP_ID = -1001234567890


def start_stand_in_api(port: int = 0) -> BotApiServer:
    """Start a stand-in Bot API server with the tests' users and their group."""
    server = BotApiServer(token=BOT_TOKEN, port=port, bot_username="hostiran_test_bot")
    server.start()
    server.user(OWNER_ID, "Owner", "owner", language_code="fa")
    server.user(ADMIN_ID, "Sara", "sara", language_code="fa", last_name="Ahmadi")
    server.user(MEMBER_ID, "Reza", "reza", language_code="fa")
    server.user(STRANGER_ID, "Stranger", language_code="en")
    server.add_group(GROUP_ID, "Ops team")
    server.set_member_status(GROUP_ID, ADMIN_ID, "administrator")
    server.set_member_status(GROUP_ID, MEMBER_ID, "member")
    return server


@pytest.fixture
def bot_api() -> Iterator[BotApiServer]:
    server = start_stand_in_api()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[SandboxProcess]:
    process = SandboxProcess(tmp_path)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def start_bot(tmp_path: Path, bot_api: BotApiServer) -> Iterator[Callable[..., BotProcess]]:
    """Start `hostiran-bot run` and wait until it polls; every started process is stopped at the end."""
    started: list[BotProcess] = []

    def start(extra_env: dict[str, str] | None = None, name: str = "bot") -> BotProcess:
        mark = len(bot_api.calls)
        process = BotProcess(tmp_path, bot_api_base_url=bot_api.base_url, bot_api_file_url=bot_api.file_url,
                             bot_token=BOT_TOKEN, owner_ids=str(OWNER_ID), extra_env=extra_env, name=name)
        started.append(process)
        try:
            bot_api.wait_for("getUpdates", after=mark, timeout=30)
        except TimeoutError:
            raise AssertionError(f"the bot did not start polling:\n{process.log()}") from None
        return process

    yield start
    for process in started:
        process.stop()
