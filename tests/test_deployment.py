"""The deployment files: docker-compose.yml validates, and the Dockerfile runs the bot as a non-root user."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def compose_command() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.parametrize("profile", [None, "postgres", "sandbox"])
def test_compose_file_valid(profile: str | None, tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed (.ci/run installs docker-compose)")
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=1:abc\nBOT_OWNER_IDS=1\n")
    arguments = [*command, "--project-directory", str(tmp_path), "-f", str(ROOT / "docker-compose.yml")]
    if profile:
        arguments += ["--profile", profile]
    result = subprocess.run([*arguments, "config"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "bot:" in result.stdout
    if profile:
        assert f"{profile}:" in result.stdout


def test_dockerfile_runs_unprivileged_with_health_check() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER hostiran\n" in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert '"hostiran-bot", "health"' in dockerfile
    assert 'VOLUME ["/data"]' in dockerfile
