"""The ``drkit`` command: one module per sub-command under :mod:`drkit.commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from drkit.commands import assess, check, export, inventory, runbook
from drkit_core.errors import DrkitError

COMMANDS = (inventory, check, export, assess, runbook)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drkit",
        description="Run Pulumi Python programs offline and check their disaster-recovery "
                    "settings, with no cloud credentials.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except DrkitError as error:
        print(f"drkit: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
