"""Where command output goes."""

from __future__ import annotations

import sys
from pathlib import Path


def emit(text: str, output: Path | None) -> None:
    """Write to ``output`` (creating its folder) or to stdout."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text if text.endswith("\n") else text + "\n")
