"""The READMEs show the screens as the golden files hold them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.screens import README_SCREENS, screen

ROOT = Path(__file__).resolve().parents[1]
READMES = {"en": ROOT / "README.md", "fa": ROOT / "README.fa.md"}


@pytest.mark.parametrize("language", sorted(README_SCREENS))
def test_readme_shows_golden_screens(language: str) -> None:
    readme = READMES[language].read_text(encoding="utf-8")
    for name, index in README_SCREENS[language]:
        assert screen(name, index) in readme, f"{READMES[language].name} lacks the screen {name}[{index}]"
