"""The README's table of recovery figures, generated from drkit_core/data/figures.yaml.

``python -m drkit.plan.figures_doc --write`` rewrites it between its markers; a test fails when
it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from drkit.plan.report import shown
from drkit_core.recovery import Figures, shipped

START, END = "<!-- figures:start -->", "<!-- figures:end -->"
README = Path(__file__).resolve().parents[2] / "README.md"


def table(figures: Figures) -> str:
    rows = ["| figure | value | kind | what | source |", "|---|---|---|---|---|"]
    for figure in figures.values():
        source = f"[{figure.title}]({figure.url})" if figure.url else figure.title
        rows.append(f"| `{figure.key}` | {shown(figure.seconds)} | {figure.kind} | "
                    f"{figure.what} | {source} |")
    return "\n".join(rows)


def updated(text: str) -> str:
    """``text`` (the README) with a fresh table between the markers."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table(shipped())}\n{END}{tail}"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    fresh = updated(text)
    if "--write" in argv:
        README.write_text(fresh, encoding="utf-8")
        return 0
    print(table(shipped()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
