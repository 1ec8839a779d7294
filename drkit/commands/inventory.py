"""``drkit inventory``: run a stack offline and list the resources it declares."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from drkit import inventory
from drkit.commands.output import emit
from drkit.engine.runner import Engine
from drkit_core.project import Project


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "inventory", help="list the resources a stack declares",
        description="Run a stack's program offline under Pulumi's mocks and list the resources "
                    "it declares (StackReferences are resolved by running the referenced "
                    "stacks of the same project).")
    parser.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                        help="Pulumi project directory (default: current directory)")
    parser.add_argument("--stack", "-s", required=True, help="stack name (Pulumi.<stack>.yaml)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--output", "-o", type=Path, help="write to a file instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    result = Engine(Project.load(args.project_dir)).run(args.stack)
    text = inventory.to_json(result) if args.format == "json" else inventory.to_text(result)
    emit(text, args.output)
    return 0
