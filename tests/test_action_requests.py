"""ActionService against the sandbox API and a migrated SQLite file: request, decide, run, recent."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.hostiran import HostIranClient, create_http_client
from bot.sandbox.server import SandboxServer
from bot.services.actions import ActionService, Decision
from bot.services.context import ServiceContext
from bot.storage.crypto import TokenCipher, generate_key
from bot.storage.database import create_engine, create_session_factory
from bot.storage.models import ActionRequest
from tests.conftest import SANDBOX_TOKEN
from tests.support.settings import (
    FakeClock,
    build_settings,
    isolate_settings,
    migrated_sqlite,
)

CHAT_ID = -1001
OTHER_CHAT_ID = -1002
USER_ID = 2002
OTHER_USER_ID = 3003
DATABASE_VM = 61  # the sandbox's sample server "database", powered on: poweroff and reboot
TTL_SECONDS = 60


def pressed(action: str) -> Callable[[str], bool]:
    return lambda candidate: candidate == action


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    isolate_settings(monkeypatch, tmp_path)
    return migrated_sqlite(tmp_path / "data" / "bot.sqlite3")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return build_settings(database_url, action_request_ttl_seconds=TTL_SECONDS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


def make_service(settings: Settings, sessions: async_sessionmaker[AsyncSession], http: httpx.AsyncClient,
                 clock: FakeClock) -> ActionService:
    context = ServiceContext(settings, sessions, TokenCipher([generate_key()]), http, clock)
    return ActionService(context)


@pytest.fixture
def service(settings: Settings, sessions: async_sessionmaker[AsyncSession], http: httpx.AsyncClient,
            clock: FakeClock) -> ActionService:
    return make_service(settings, sessions, http, clock)


async def new_request(service: ActionService, client: HostIranClient, *, chat_id: int = CHAT_ID,
                      user_id: int = USER_ID, action: str = "poweroff") -> ActionRequest:
    created = await service.request(await client.get_server(DATABASE_VM), chat_id, user_id, "Sara", pressed(action))
    assert created.outcome is None
    assert created.request is not None
    return created.request


async def load(sessions: async_sessionmaker[AsyncSession], request_id: str) -> ActionRequest:
    async with sessions() as session:
        request = await session.get(ActionRequest, request_id)
    assert request is not None
    return request


async def count_requests(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(ActionRequest))


def action_posts(sandbox: SandboxServer) -> list[dict]:
    return [entry for entry in sandbox.requests() if entry["method"] == "POST" and entry["path"] == "/v1/cloud/action"]


# request()


async def test_request_stores_pending(service: ActionService, client: HostIranClient, sandbox: SandboxServer,
                                      sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    # The API's own spelling must be stored and later posted, not the name the button showed.
    sandbox.update_server(DATABASE_VM, {"actions": ["PowerOff", "reboot"]})

    created = await service.request(await client.get_server(DATABASE_VM), CHAT_ID, USER_ID, "Sara",
                                    lambda candidate: candidate.lower() == "poweroff")

    assert created.outcome is None
    assert created.server is not None
    assert created.server.id == DATABASE_VM
    assert created.request is not None
    stored = await load(sessions, created.request.id)
    assert stored.state == "pending"
    assert stored.action == "PowerOff"
    assert stored.chat_id == CHAT_ID
    assert stored.requested_by == USER_ID
    assert stored.requested_by_name == "Sara"
    assert stored.vm_id == DATABASE_VM
    assert stored.vm_name == "database"
    assert stored.created_at == clock.now
    assert stored.expires_at == clock.now + timedelta(seconds=TTL_SECONDS)
    assert stored.decided_by is None
    assert stored.finished_at is None
    assert action_posts(sandbox) == []


async def test_request_withdrawn_action_stores_nothing(service: ActionService, client: HostIranClient,
                                                       sessions: async_sessionmaker[AsyncSession]) -> None:
    # "start" is offered only while the server is off, and the sample server 61 is on.
    created = await service.request(await client.get_server(DATABASE_VM), CHAT_ID, USER_ID, "Sara", pressed("start"))

    assert created.request is None
    assert created.outcome is not None
    assert created.outcome.kind == "withdrawn"
    assert created.outcome.show_state is True
    assert created.outcome.server is not None
    assert created.outcome.server.power_status == "on"
    assert await count_requests(sessions) == 0


async def test_request_missing_server_stores_nothing(service: ActionService, client: HostIranClient,
                                                     sessions: async_sessionmaker[AsyncSession]) -> None:
    created = await service.request(await client.get_server(999), CHAT_ID, USER_ID, "Sara", pressed("poweroff"))

    assert created.request is None
    assert created.server is None
    assert created.outcome is not None
    assert created.outcome.kind == "server_gone"
    assert await count_requests(sessions) == 0


# decide()


async def test_decide_unknown_request(service: ActionService) -> None:
    result = await service.decide("no-such-id", CHAT_ID, USER_ID, "Sara", confirm=True)

    assert result.decision is Decision.NOT_FOUND
    assert result.request is None


async def test_decide_only_requester_in_its_chat(service: ActionService, client: HostIranClient,
                                                 sessions: async_sessionmaker[AsyncSession]) -> None:
    request = await new_request(service, client)

    other_chat = await service.decide(request.id, OTHER_CHAT_ID, USER_ID, "Sara", confirm=True)
    other_user = await service.decide(request.id, CHAT_ID, OTHER_USER_ID, "Reza", confirm=True)
    other_user_cancel = await service.decide(request.id, CHAT_ID, OTHER_USER_ID, "Reza", confirm=False)

    assert other_chat.decision is Decision.OTHER_CHAT
    assert other_user.decision is Decision.NOT_REQUESTER
    assert other_user_cancel.decision is Decision.NOT_REQUESTER
    assert (await load(sessions, request.id)).state == "pending"

    own = await service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True)

    assert own.decision is Decision.PROCEED
    stored = await load(sessions, request.id)
    assert stored.state == "running"
    assert stored.decided_by == USER_ID
    assert stored.decided_by_name == "Sara"
    assert stored.decided_at is not None


async def test_decide_concurrent_confirms_one_proceeds(service: ActionService, client: HostIranClient,
                                                       sessions: async_sessionmaker[AsyncSession]) -> None:
    request = await new_request(service, client)

    results = await asyncio.gather(
        *(service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True) for _ in range(20))
    )

    decisions = Counter(result.decision for result in results)
    assert decisions[Decision.PROCEED] == 1
    assert decisions[Decision.RUNNING] == 19
    assert (await load(sessions, request.id)).state == "running"


async def test_decide_concurrent_confirms_two_engines(database_url: str, settings: Settings,
                                                      http: httpx.AsyncClient, clock: FakeClock,
                                                      client: HostIranClient) -> None:
    # Two engines on one file behave like two bot processes sharing the database.
    first_engine = create_engine(database_url)
    second_engine = create_engine(database_url)
    try:
        first = make_service(settings, create_session_factory(first_engine), http, clock)
        second = make_service(settings, create_session_factory(second_engine), http, clock)
        request = await new_request(first, client)

        presses = []
        for _ in range(10):
            presses.append(first.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True))
            presses.append(second.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True))
        results = await asyncio.gather(*presses)
    finally:
        await first_engine.dispose()
        await second_engine.dispose()

    decisions = Counter(result.decision for result in results)
    assert decisions[Decision.PROCEED] == 1
    assert decisions[Decision.RUNNING] == 19


async def test_decide_after_expiry(service: ActionService, client: HostIranClient,
                                   sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    request = await new_request(service, client)
    clock.advance(TTL_SECONDS + 1)

    first = await service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True)
    second = await service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True)

    assert first.decision is Decision.EXPIRED
    assert second.decision is Decision.FINISHED
    stored = await load(sessions, request.id)
    assert stored.state == "expired"
    assert stored.finished_at == clock.now
    assert stored.decided_by is None


async def test_decide_at_expiry_instant(service: ActionService, client: HostIranClient, clock: FakeClock) -> None:
    request = await new_request(service, client)
    clock.advance(TTL_SECONDS)

    result = await service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True)

    assert result.decision is Decision.EXPIRED


async def test_decide_concurrent_after_expiry(service: ActionService, client: HostIranClient,
                                              clock: FakeClock) -> None:
    request = await new_request(service, client)
    clock.advance(TTL_SECONDS + 1)

    results = await asyncio.gather(
        *(service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True) for _ in range(10))
    )

    decisions = Counter(result.decision for result in results)
    assert decisions[Decision.EXPIRED] == 1
    assert decisions[Decision.FINISHED] == 9


async def test_decide_cancel_then_confirm(service: ActionService, client: HostIranClient,
                                          sessions: async_sessionmaker[AsyncSession], sandbox: SandboxServer,
                                          clock: FakeClock) -> None:
    request = await new_request(service, client)

    cancel = await service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=False)
    confirm = await service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True)

    assert cancel.decision is Decision.PROCEED
    assert confirm.decision is Decision.FINISHED
    stored = await load(sessions, request.id)
    assert stored.state == "cancelled"
    assert stored.decided_by == USER_ID
    assert stored.finished_at == clock.now
    assert action_posts(sandbox) == []


# run()


async def confirmed(service: ActionService, client: HostIranClient) -> ActionRequest:
    request = await new_request(service, client)
    result = await service.decide(request.id, CHAT_ID, USER_ID, "Sara", confirm=True)
    assert result.decision is Decision.PROCEED
    assert result.request is not None
    return result.request


async def test_run_success_posts_once(service: ActionService, client: HostIranClient, sandbox: SandboxServer,
                                      sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    request = await confirmed(service, client)

    outcome = await service.run(client, request)

    assert outcome.kind == "done"
    stored = await load(sessions, request.id)
    assert stored.state == "done"
    assert stored.finished_at == clock.now
    posts = action_posts(sandbox)
    assert len(posts) == 1
    assert posts[0]["body"] == {"vm_id": DATABASE_VM, "action": "poweroff"}
    server = next(server for server in sandbox.servers() if server["id"] == DATABASE_VM)
    assert server["power_status"] == "off"


async def test_run_withdrawn_before_post(service: ActionService, client: HostIranClient, sandbox: SandboxServer,
                                         sessions: async_sessionmaker[AsyncSession]) -> None:
    request = await confirmed(service, client)
    # Someone powered the server off elsewhere between the confirmation and the run.
    sandbox.update_server(DATABASE_VM, {"power_status": "off", "actions": ["start", "reboot"]})

    outcome = await service.run(client, request)

    assert outcome.kind == "withdrawn"
    assert outcome.server is not None
    assert outcome.server.power_status == "off"
    stored = await load(sessions, request.id)
    assert stored.state == "rejected"
    assert stored.detail == "action withdrawn"
    assert action_posts(sandbox) == []


async def test_run_post_timeout_is_unknown(service: ActionService, sandbox: SandboxServer,
                                           sessions: async_sessionmaker[AsyncSession]) -> None:
    # The sandbox applies the action when the POST arrives but responds only after 5 s. The
    # client gives up after 1 s, so the bot cannot know whether the action ran.
    sandbox.set_fault("action", delay=5)
    short_http = create_http_client(timeout=1.0)
    try:
        client = HostIranClient(sandbox.url, SANDBOX_TOKEN, short_http, backoff_seconds=0.01)
        request = await confirmed(service, client)

        outcome = await service.run(client, request)
    finally:
        await short_http.aclose()

    assert outcome.kind == "unknown"
    assert outcome.show_state is True
    assert outcome.server is not None
    assert outcome.server.power_status == "off"
    stored = await load(sessions, request.id)
    assert stored.state == "unknown"
    assert len(action_posts(sandbox)) == 1


# recent()


async def test_recent_newest_first_per_chat(service: ActionService, client: HostIranClient,
                                            clock: FakeClock) -> None:
    created_ids = []
    for _ in range(25):
        created_ids.append((await new_request(service, client)).id)
        clock.advance(1)
    other_chat_ids = []
    for _ in range(3):
        other_chat_ids.append((await new_request(service, client, chat_id=OTHER_CHAT_ID)).id)
        clock.advance(1)

    recent = await service.recent(CHAT_ID)

    assert [request.id for request in recent] == created_ids[::-1][:20]
    assert all(request.chat_id == CHAT_ID for request in recent)
    assert [request.id for request in await service.recent(OTHER_CHAT_ID)] == other_chat_ids[::-1]
    assert await service.recent(-1999) == []
