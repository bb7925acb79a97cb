"""Typed results of the HostIran API, parsed tolerantly where the meaning is clear."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

TEHRAN = ZoneInfo("Asia/Tehran")


def _none_as_empty(value: object) -> object:
    return [] if value is None else value


class _ApiModel(BaseModel):
    # Unknown extra fields are ignored; numeric strings such as "500000" are read as numbers.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Credit(_ApiModel):
    credit: int
    currency: str = "IRR"


class Invoice(_ApiModel):
    id: int
    amount: int
    link: str = ""

    @field_validator("link", mode="before")
    @classmethod
    def _link_or_empty(cls, value: object) -> object:
        return "" if value is None else value


class Server(_ApiModel):
    """A cloud server (VM) with the actions the API allows on it now, under their raw names."""

    id: int
    name: str
    next_payment: datetime | None = None
    next_payment_amount: int | None = None
    status: str = ""
    power_status: str = ""
    actions: Annotated[tuple[str, ...], BeforeValidator(_none_as_empty)] = ()

    @field_validator("name", mode="before")
    @classmethod
    def _name_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("next_payment", mode="before")
    @classmethod
    def _parse_tehran_time(cls, value: object) -> object:
        """Read the API's naive `YYYY-MM-DD HH:MM:SS` as Tehran local time; empty means none."""
        if value in (None, ""):
            return None
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip())
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=TEHRAN)
        raise ValueError("next_payment is not a date string")

    @field_validator("status", "power_status", mode="before")
    @classmethod
    def _none_as_blank(cls, value: object) -> object:
        return "" if value is None else value


class Pagination(_ApiModel):
    current_page: int = 1
    total: int = Field(ge=0)  # the number of items, not of pages
    per_page: int = Field(ge=1)


class ServerPage(_ApiModel):
    data: Annotated[tuple[Server, ...], BeforeValidator(_none_as_empty)]
    pagination: Pagination

    @property
    def page_count(self) -> int:
        return -(-self.pagination.total // self.pagination.per_page)
