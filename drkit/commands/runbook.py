"""``drkit runbook``: write (or check) the Markdown runbooks of each app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from drkit.check import run_stacks
from drkit.plan.apps import assess_all
from drkit.plan.files import write_atomic
from drkit.plan.runbook import render
from drkit_core.errors import ProjectError
from drkit_core.recovery import load


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "runbook", help="write the Markdown runbooks of each app",
        description="Run the project's stacks offline and write, per app, Markdown runbooks "
                    "for region failover, zone loss, restore after corruption and switch back: "
                    "each step with the real resources, the commands, how to verify it and its "
                    "time budget from the estimate, and a Mermaid diagram. With --check, write "
                    "nothing and exit 1 naming every stale or missing file.")
    parser.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                        help="Pulumi project directory (default: current directory)")
    parser.add_argument("--stack", "-s", action="append", default=[], metavar="NAME",
                        help="only this stack's app (repeatable; default: every stack)")
    parser.add_argument("--output", "-o", type=Path, metavar="DIR",
                        help="where the runbooks go (default: runbooks/ in the project)")
    parser.add_argument("--check", action="store_true",
                        help="compare with the files in DIR instead of writing; exit 1 if any "
                             "is stale or missing")
    parser.add_argument("--templates", type=Path, metavar="DIR",
                        help="your runbook templates (*.md.j2), over drkit's by file name")
    parser.add_argument("--figures", type=Path, metavar="FILE",
                        help="your measured figures over the published ones")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.templates is not None and not args.templates.is_dir():
        raise ProjectError(f"--templates {args.templates}: not a directory")
    figures = load(args.figures)
    found = assess_all(run_stacks([args.project_dir], args.stack), figures)
    output = args.output or Path(args.project_dir) / "runbooks"
    stale = []
    for runbook in render(found, args.templates):
        path = output / runbook.path
        if args.check:
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current != runbook.text:
                stale.append(f"{path}: {'missing' if current is None else 'stale'}")
        else:
            write_atomic(path, runbook.text)
            print(f"wrote {path}")
    for line in stale:
        print(f"drkit: {line}; regenerate with: drkit runbook {args.project_dir}"
              + (f" --output {args.output}" if args.output else ""), file=sys.stderr)
    return 1 if stale else 0
