"""The life of an action request: pending, then confirmed and run once, or cancelled, or expired."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from bot.hostiran import (
    ActionOutcomeUnknownError,
    ActionRejectedError,
    HostIranClient,
    HostIranError,
    Server,
)
from bot.services.context import ServiceContext
from bot.storage import action_requests as repository
from bot.storage.models import ActionRequest

logger = logging.getLogger(__name__)

# Prefix of a stored detail that is HostIran's own explanation, which chats may show. Other details
# are internal reasons, kept in the audit log for operators only.
API_DETAIL_PREFIX = "api: "


class Decision(Enum):
    """The result of a press on confirm or cancel."""

    PROCEED = "proceed"  # this press won the request and must run (or cancel) it
    NOT_FOUND = "not_found"
    OTHER_CHAT = "other_chat"
    NOT_REQUESTER = "not_requester"
    EXPIRED = "expired"  # this press moved it to expired; edit the message
    RUNNING = "running"
    FINISHED = "finished"


@dataclass(frozen=True)
class DecisionResult:
    decision: Decision
    request: ActionRequest | None = None


@dataclass(frozen=True)
class Outcome:
    """The end of a request: `kind` is one of the outcome names that the views render."""

    kind: str
    server: Server | None = None  # fresh state where shown; for "done", the state before the POST
    show_state: bool = False
    error: HostIranError | None = None
    detail: str | None = None


@dataclass(frozen=True)
class NewRequest:
    request: ActionRequest | None
    server: Server | None
    outcome: Outcome | None  # set when no request was made: the action is withdrawn or the server is gone


def new_request_id() -> str:
    return secrets.token_urlsafe(8)  # 11 characters, 64 random bits


class ActionService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    @property
    def ttl(self) -> timedelta:
        return timedelta(seconds=self._context.settings.action_request_ttl_seconds)

    async def request(self, server: Server | None, chat_id: int, user_id: int, user_name: str,
                      is_pressed_action: Callable[[str], bool]) -> NewRequest:
        """Store a pending request if the pressed action is among the server's allowed actions.

        `server` may come from a cache that is seconds old: confirming reads it anew before the POST.
        """
        if server is None:
            return NewRequest(None, None, Outcome("server_gone"))
        action = next((candidate for candidate in server.actions if is_pressed_action(candidate)), None)
        if action is None:
            return NewRequest(None, server, Outcome("withdrawn", server, show_state=True))
        now = self._context.clock()
        request = ActionRequest(
            id=new_request_id(), chat_id=chat_id, requested_by=user_id, requested_by_name=user_name,
            vm_id=server.id, vm_name=server.name, action=action, state=repository.PENDING,
            created_at=now, expires_at=now + self.ttl,
        )
        async with self._context.sessions.begin() as session:
            await repository.add(session, request)
        logger.info("action request %s created: chat %s user %s vm %s action %s",
                    request.id, chat_id, user_id, server.id, action)
        return NewRequest(request, server, None)

    async def attach_message(self, request_id: str, message_id: int) -> None:
        async with self._context.sessions.begin() as session:
            request = await repository.get(session, request_id)
            if request is not None:
                request.message_id = message_id

    async def decide(self, request_id: str, chat_id: int, user_id: int, user_name: str,
                     *, confirm: bool) -> DecisionResult:
        """Claim a pending request for this press: to run it (`confirm`) or to cancel it.

        Only the person who asked may decide, in the chat where it was asked, before it expires.
        The state change is one conditional UPDATE, so one press wins however many arrive.
        """
        now = self._context.clock()
        async with self._context.sessions() as session:
            request = await repository.get(session, request_id)
        if request is None:
            return DecisionResult(Decision.NOT_FOUND)
        if request.chat_id != chat_id:
            logger.warning("request %s of chat %s pressed in chat %s by user %s",
                           request_id, request.chat_id, chat_id, user_id)
            return DecisionResult(Decision.OTHER_CHAT, request)
        if request.requested_by != user_id:
            logger.info("request %s of user %s pressed by user %s", request_id, request.requested_by, user_id)
            return DecisionResult(Decision.NOT_REQUESTER, request)
        if request.state == repository.RUNNING:
            return DecisionResult(Decision.RUNNING, request)
        if request.state != repository.PENDING:
            return DecisionResult(Decision.FINISHED, request)
        decided = {"decided_by": user_id, "decided_by_name": user_name, "decided_at": now}
        if request.expires_at <= now:
            async with self._context.sessions.begin() as session:
                won = await repository.transition(session, request_id, repository.PENDING, repository.EXPIRED,
                                                  now, finished_at=now)
            logger.info("request %s expired before it was decided", request_id)
            return DecisionResult(Decision.EXPIRED if won else Decision.FINISHED, await self._reload(request_id))
        target = repository.RUNNING if confirm else repository.CANCELLED
        extra = decided if confirm else {**decided, "finished_at": now}
        async with self._context.sessions.begin() as session:
            won = await repository.transition(session, request_id, repository.PENDING, target, now,
                                              require_unexpired=True, **extra)
        if not won:
            current = await self._reload(request_id)
            state = current.state if current else None
            logger.info("request %s already moved to %s; press by user %s ignored", request_id, state, user_id)
            if state == repository.PENDING:  # expired between the read and the update
                return await self.decide(request_id, chat_id, user_id, user_name, confirm=confirm)
            return DecisionResult(Decision.RUNNING if state == repository.RUNNING else Decision.FINISHED, current)
        logger.info("request %s %s by user %s", request_id, "confirmed" if confirm else "cancelled", user_id)
        return DecisionResult(Decision.PROCEED, await self._reload(request_id))

    async def run(self, client: HostIranClient, request: ActionRequest) -> Outcome:
        """Run a confirmed request: read the server again, then send the POST once, never retried."""
        try:
            server = await client.get_server(request.vm_id)
        except HostIranError as error:
            logger.warning("request %s: reading vm %s before the POST failed: %s", request.id, request.vm_id, error)
            return await self._finish(request, repository.FAILED, Outcome("failed", error=error), str(error))
        if server is None:
            return await self._finish(request, repository.REJECTED, Outcome("server_gone"), "server gone")
        if request.action not in server.actions:
            return await self._finish(request, repository.REJECTED,
                                      Outcome("withdrawn", server, show_state=True), "action withdrawn")
        try:
            await client.run_action(request.vm_id, request.action)
        except ActionOutcomeUnknownError as error:
            fresh = await self._read_quietly(client, request.vm_id)
            return await self._finish(request, repository.UNKNOWN,
                                      Outcome("unknown", fresh, show_state=True, error=error), str(error))
        except ActionRejectedError as error:
            return await self._finish(request, repository.FAILED,
                                      Outcome("rejected", error=error, detail=error.detail),
                                      API_DETAIL_PREFIX + error.detail if error.detail else str(error))
        except HostIranError as error:
            return await self._finish(request, repository.FAILED, Outcome("failed", error=error), str(error))
        return await self._finish(request, repository.DONE, Outcome("done", server), None)

    async def expire_if_pending(self, request_id: str) -> ActionRequest | None:
        """Mark a request expired if nobody decided it in time; return it if this call did so."""
        now = self._context.clock()
        async with self._context.sessions.begin() as session:
            won = await repository.transition(session, request_id, repository.PENDING, repository.EXPIRED, now,
                                              require_expired=True, finished_at=now)
        if not won:
            return None
        logger.info("request %s expired undecided", request_id)
        return await self._reload(request_id)

    async def recent(self, chat_id: int, limit: int = 20) -> list[ActionRequest]:
        """Return the chat's latest requests, newest first: the audit log, which is never pruned."""
        async with self._context.sessions() as session:
            return await repository.recent_for_chat(session, chat_id, limit)

    async def abandon(self, request: ActionRequest, reason: str) -> None:
        """Finish a confirmed request as failed without sending anything, e.g. when its account is gone."""
        await self._finish(request, repository.FAILED, Outcome("failed"), reason)

    async def _finish(self, request: ActionRequest, state: str, outcome: Outcome, detail: str | None) -> Outcome:
        now = self._context.clock()
        async with self._context.sessions.begin() as session:
            await repository.transition(session, request.id, repository.RUNNING, state, now,
                                        finished_at=now, detail=detail)
        log = logger.info if state == repository.DONE else logger.warning
        log("request %s finished as %s: vm %s action %s%s", request.id, state, request.vm_id, request.action,
            f" ({detail})" if detail else "")
        return outcome

    async def _read_quietly(self, client: HostIranClient, vm_id: int) -> Server | None:
        try:
            return await client.get_server(vm_id)
        except HostIranError as error:
            logger.warning("reading vm %s after an unknown outcome failed: %s", vm_id, error)
            return None

    async def _reload(self, request_id: str) -> ActionRequest | None:
        async with self._context.sessions() as session:
            return await repository.get(session, request_id)
