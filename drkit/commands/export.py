"""``drkit export tfplan``: a stack as a Terraform-plan-shaped JSON, for checkov and friends."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from drkit.commands.output import emit
from drkit.engine.runner import Engine
from drkit.export.tfplan import export_plan
from drkit_core.project import Project


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "export", help="export a stack for other tools (tfplan: a Terraform plan for checkov)",
        description="Run a stack offline and export what it declares in another tool's format.")
    formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    tfplan = formats.add_parser(
        "tfplan", help="Terraform plan JSON (checkov --framework terraform_plan)",
        description="Write a Terraform-plan-shaped JSON of the stack's resources (Terraform "
                    "types and names, references rebuilt from the recorded dependencies) that "
                    "checkov's terraform_plan framework scans. Resource types drkit cannot map "
                    "are listed on stderr and in the plan's drkit.unmapped.")
    tfplan.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                        help="Pulumi project directory (default: current directory)")
    tfplan.add_argument("--stack", "-s", required=True, help="stack name (Pulumi.<stack>.yaml)")
    tfplan.add_argument("--output", "-o", type=Path, help="write to a file instead of stdout")
    tfplan.set_defaults(handler=run_tfplan)


def run_tfplan(args: argparse.Namespace) -> int:
    run = Engine(Project.load(args.project_dir)).run(args.stack)
    export = export_plan(run)
    for line in export.warnings():
        print(f"drkit: warning: {line}", file=sys.stderr)
    emit(export.to_json(), args.output)
    return 0
