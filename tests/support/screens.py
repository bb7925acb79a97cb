"""Plain-text versions of golden screens, as the READMEs show them.

`python -m tests.support.screens` prints the blocks that README.md and README.fa.md contain;
tests/test_readme_screens.py checks that both READMEs still match the golden files.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden"

# (golden file, block index) of each screen that the READMEs show, in order.
README_SCREENS = {
    "en": [("servers.sample.en", 0), ("card.en", 0), ("action.en", 0), ("action.en", 1), ("invoices.en", 0),
           ("invoice-card.en", 0), ("settings.en", 1)],
    "fa": [("servers.sample.fa", 0), ("card.fa", 0), ("action.fa", 0), ("action.fa", 1), ("invoices.fa", 0),
           ("invoice-card.fa", 0), ("settings.fa", 1)],
}


def plain(block: str) -> str:
    """Strip HTML tags, entities and direction isolates, and show each button as [label]."""
    text, _, keyboard = block.partition("\n---")
    text = html.unescape(re.sub(r"</?(b|code|i)>", "", text)).replace("\u2068", "").replace("\u2069", "")
    lines = [text.rstrip()]
    for row in keyboard.strip().splitlines():
        if row.startswith(" reply keyboard"):
            continue
        labels = re.findall(r"\[([^\]→]+?)(?: → [^\]]*)?\]", row)
        lines.append("  ".join(f"[{label.strip()}]" for label in labels).replace("\u2068", "").replace("\u2069", ""))
    return "\n".join(lines)


def screen(name: str, index: int) -> str:
    return plain((GOLDEN / f"{name}.txt").read_text(encoding="utf-8").split("\n=====\n")[index])


if __name__ == "__main__":
    for language, screens in README_SCREENS.items():
        print(f"# {language}")
        for name, index in screens:
            print(f"```text\n{screen(name, index)}\n```\n")
