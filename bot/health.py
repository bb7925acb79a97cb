"""A heartbeat file that the running bot refreshes, read by `hostiran-bot health` (Docker's health check)."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)

HEARTBEAT_FILE_NAME = "heartbeat"
HEARTBEAT_INTERVAL_SECONDS = 30.0
# Three missed beats: slow enough to survive a busy machine, quick enough for Docker to notice.
HEARTBEAT_MAX_AGE_SECONDS = 3 * HEARTBEAT_INTERVAL_SECONDS


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / HEARTBEAT_FILE_NAME


async def beat_forever(path: Path, interval: float = HEARTBEAT_INTERVAL_SECONDS) -> None:
    """Write the current time to `path` every `interval` seconds while the event loop is alive."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        try:
            path.write_text(f"{time.time():.0f}\n", encoding="ascii")
        except OSError as error:
            logger.warning("could not write the heartbeat file %s: %s", path, error)
        await asyncio.sleep(interval)


def heartbeat_age(path: Path) -> float | None:
    """Return the heartbeat's age in seconds, or None when there is none."""
    try:
        return time.time() - float(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
