"""``drkit check``: run stacks offline and evaluate the DR rules with CrossGuard's semantics."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from drkit.check import PolicyConfigError, check, run_stacks
from drkit.commands.output import emit
from drkit.report import FORMATS, render


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "check", help="check stacks against the DR policy pack, offline",
        description="Run each stack's program offline and evaluate drkit's redundancy and "
                    "data-residency rules as `pulumi preview --policy-pack policies` would, plus "
                    "the app-level rules across the stacks of one app. Exit status: 0 when no "
                    "mandatory violation, 1 when any, 2 on a usage, config or program error.")
    parser.add_argument("project_dirs", nargs="*", default=["."], metavar="PROJECT_DIR",
                        help="Pulumi project directories (default: current directory)")
    parser.add_argument("--stack", "-s", action="append", default=[], metavar="NAME",
                        help="check only this stack (repeatable; default: every stack)")
    parser.add_argument("--policy-pack-config", type=Path, metavar="FILE",
                        help="enforcement levels and rule config, in the Pulumi CLI's format")
    parser.add_argument("--format", choices=tuple(FORMATS), default="text")
    parser.add_argument("--output", "-o", type=Path, help="write to a file instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from policies import settings
    from policies.offline import DrkitRules
    from policies.registry import RULES

    try:
        user = settings.load(args.policy_pack_config) if args.policy_pack_config else None
        resolved = settings.resolve(RULES, user)
    except settings.PackConfigError as error:
        where = f"{args.policy_pack_config}: " if args.policy_pack_config else ""
        raise PolicyConfigError(where + "; ".join(error.problems)) from None
    stacks = run_stacks(args.project_dirs, args.stack)
    report = check(stacks, [DrkitRules(resolved)])
    emit(render(report, args.format), args.output)
    return 1 if report.failed else 0
