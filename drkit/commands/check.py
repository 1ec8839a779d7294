"""``drkit check``: run stacks offline and evaluate the DR rules with CrossGuard's semantics."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from drkit.check import PolicyConfigError, check, run_stacks
from drkit.checkers import Checker
from drkit.checkers.checkov import CheckovChecker, CheckovOptions, own_check_ids, unmapped_lines
from drkit.checkers.rules import DrkitRules
from drkit.commands.output import emit
from drkit.report import FORMATS, render
from policies import settings
from policies.registry import RULES


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
    checkov = parser.add_argument_group(
        "checkov", "checkov's checks on each stack's Terraform-plan export (drkit export tfplan); "
                   "its DR checks are mandatory, the others advisory")
    checkov.add_argument("--no-checkov", action="store_true", help="do not run checkov")
    checkov.add_argument("--checkov-check", action="append", default=[], metavar="IDS",
                         help="run only these checkov checks (comma-separated; repeatable)")
    checkov.add_argument("--checkov-skip-check", action="append", default=[], metavar="IDS",
                         help="skip these checkov checks (comma-separated; repeatable)")
    checkov.add_argument("--checkov-mandatory", metavar="IDS",
                         help="checkov checks whose failures are mandatory (comma-separated, or "
                              "'*' for all; default: the DR checks listed in the README)")
    checkov.add_argument("--checkov-plans", type=Path, metavar="DIR",
                         help="keep the exported plans in DIR")
    parser.add_argument("--format", choices=tuple(FORMATS), default="text")
    parser.add_argument("--output", "-o", type=Path, help="write to a file instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        user = settings.load(args.policy_pack_config) if args.policy_pack_config else None
        resolved = settings.resolve(RULES, user)
    except settings.PackConfigError as error:
        where = f"{args.policy_pack_config}: " if args.policy_pack_config else ""
        raise PolicyConfigError(where + "; ".join(error.problems)) from None
    stacks = run_stacks(args.project_dirs, args.stack)
    checkers: list[Checker] = [DrkitRules(resolved)]
    checkov = None if args.no_checkov else CheckovChecker(checkov_options(args))
    if checkov is not None:
        checkers.append(checkov)
    report = check(stacks, checkers)
    if checkov is not None:
        for scan in checkov.scans.values():
            for line in unmapped_lines(scan):
                print(f"drkit: warning: {line}", file=sys.stderr)
    emit(render(report, args.format), args.output)
    return 1 if report.failed else 0


def checkov_options(args: argparse.Namespace) -> CheckovOptions:
    """drkit's own checkov checks are skipped: the same rules already ran natively (they are
    there for teams that run checkov on Terraform)."""
    mandatory = None if args.checkov_mandatory is None else frozenset(
        _ids([args.checkov_mandatory]))
    return CheckovOptions(checks=_ids(args.checkov_check),
                          skip_checks=_ids(args.checkov_skip_check) + tuple(sorted(
                              own_check_ids())),
                          mandatory=mandatory, plan_dir=args.checkov_plans)


def _ids(values: list[str]) -> tuple[str, ...]:
    return tuple(i.strip() for value in values for i in value.split(",") if i.strip())
