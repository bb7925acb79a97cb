"""SQLAlchemy models: authorized chats, linked accounts, action requests and pending links."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime, stored without its zone so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Chat(Base):
    """A Telegram chat the bot has seen, with its authorization and per-chat settings."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(255))
    authorized: Mapped[bool] = mapped_column(default=False)
    authorized_by: Mapped[int | None] = mapped_column(BigInteger)
    authorized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2), default="fa")
    money_unit: Mapped[str] = mapped_column(String(8), default="toman")
    action_policy: Mapped[str] = mapped_column(String(8), default="admins")
    # Replies in a group are sent without a notification sound.
    silent: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Time of the last "this chat is not authorized" reply, to send at most one a minute.
    unauthorized_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Account(Base):
    """The HostIran account linked to one chat: its base URL and its encrypted API token."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id"), unique=True)
    base_url: Mapped[str] = mapped_column(String(255))
    token_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    linked_by: Mapped[int] = mapped_column(BigInteger)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActionRequest(Base):
    """A power action on a server, from the press to its outcome; kept as the audit log."""

    __tablename__ = "action_requests"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    requested_by: Mapped[int] = mapped_column(BigInteger)
    requested_by_name: Mapped[str] = mapped_column(String(255))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_by_name: Mapped[str | None] = mapped_column(String(255))
    vm_id: Mapped[int] = mapped_column(BigInteger)
    vm_name: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    # pending -> running -> done | failed | unknown; pending -> cancelled | expired
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConnectLink(Base):
    """A single-use deep-link payload that lets one person link a group from their private chat."""

    __tablename__ = "connect_links"

    payload: Mapped[str] = mapped_column(String(32), primary_key=True)
    group_chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConnectDialog(Base):
    """A `/connect` conversation in a private chat that waits for the base URL or the token."""

    __tablename__ = "connect_dialogs"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger)
    # The chat that the account will be linked to: this private chat or a group.
    target_chat_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(16))  # "base_url" or "token"
    base_url: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ServerListView(Base):
    """The name filter of a `/vms NAME` list message, so its page and filter buttons keep it."""

    __tablename__ = "server_list_views"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name_query: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
