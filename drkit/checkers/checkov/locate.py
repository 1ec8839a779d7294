"""Where checkov is, and where drkit's own checkov checks are.

The executable, first found wins: ``$DRKIT_CHECKOV``; ``.venv-checkov/bin/checkov`` in the
current directory, a project directory, or drkit's own checkout (or a folder above them);
``checkov`` on ``PATH``. ``make setup`` installs it into ``.venv-checkov``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import policies
from drkit.checkers.checkov.errors import CheckovError

ENV_EXECUTABLE = "DRKIT_CHECKOV"
VENV = ".venv-checkov"
CHECKOUT = Path(__file__).resolve().parents[3]
"""drkit's own checkout (or the site-packages folder it is installed in)."""

_RULE_CHECK = re.compile(r'RuleCheck\(\s*"([A-Z0-9-]+)"')


def find_checkov(search_from: Iterable[Path] = ()) -> str:
    """The checkov executable (see the module docstring), or a :class:`CheckovError`."""
    configured = os.environ.get(ENV_EXECUTABLE)
    if configured:
        if not Path(configured).exists() and shutil.which(configured) is None:
            raise CheckovError(f"{ENV_EXECUTABLE}={configured}: no such executable")
        return configured
    for start in (Path.cwd(), *search_from, CHECKOUT):
        for folder in (start.resolve(), *start.resolve().parents):
            candidate = folder / VENV / "bin" / "checkov"
            if candidate.exists():
                return str(candidate)
    on_path = shutil.which("checkov")
    if on_path:
        return on_path
    raise CheckovError(f"checkov not found: run `make setup` (it installs checkov into {VENV}), "
                       f"or set {ENV_EXECUTABLE} to a checkov executable")


def external_checks_dir() -> Path:
    """``policies/checkov``: drkit's own checkov checks."""
    return Path(policies.__file__).resolve().parent / "checkov"


def own_check_ids(checks_dir: Path | None = None) -> frozenset[str]:
    """IDs of the drkit rules that policies/checkov runs as checkov checks (read from its
    ``RuleCheck("DR-...")`` lines: importing them needs checkov)."""
    folder = checks_dir or external_checks_dir()
    return frozenset(match for path in sorted(folder.glob("*.py"))
                     for match in _RULE_CHECK.findall(path.read_text(encoding="utf-8")))
