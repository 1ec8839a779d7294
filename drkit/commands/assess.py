"""``drkit assess``: recovery estimates, targets and readiness of each app, offline."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from drkit.check import run_stacks
from drkit.plan.apps import assess_all
from drkit.plan.files import write_atomic
from drkit.plan.report import FORMATS, render
from drkit_core.recovery import load


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "assess", help="estimate RPO and RTO per scenario, and the readiness level",
        description="Run each stack offline, group the stacks into apps (drkit:app; a stack "
                    "without it is an app of its own) and estimate, for zone loss, loss of the "
                    "active region and data corruption, the data each can lose (RPO) and the "
                    "recovery's critical path (RTO), against drkit:rpo / drkit:rto, with the "
                    "readiness level 0-4 and its evidence. Exit status 0, or 2 on errors.")
    parser.add_argument("project_dirs", nargs="*", default=["."], metavar="PROJECT_DIR",
                        help="Pulumi project directories (default: current directory)")
    parser.add_argument("--stack", "-s", action="append", default=[], metavar="NAME",
                        help="assess only this stack (repeatable; default: every stack)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--output", "-o", type=Path, help="write to a file instead of stdout")
    parser.add_argument("--figures", type=Path, metavar="FILE",
                        help="your measured figures (YAML, the keys of drkit_core/data/"
                             "figures.yaml) over the published ones")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    figures = load(args.figures)
    found = assess_all(run_stacks(args.project_dirs, args.stack), figures)
    text = render(found, args.format)
    if args.output is None:
        print(text, end="")
    else:
        write_atomic(args.output, text)
    return 0
