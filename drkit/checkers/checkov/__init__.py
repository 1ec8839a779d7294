"""Run checkov on recorded stacks: export one Terraform-shaped plan per stack, scan it with
checkov's ``terraform_plan`` framework, and turn its results into findings that point back at
the Pulumi resources.

checkov runs as a subprocess from a virtualenv of its own (its pins clash with pulumi's). One
checkov process per stack (its time grows faster than the plan), several at once.

One module per job:

- :mod:`.options`: what ``drkit check``'s ``--checkov-*`` options set, and which checks are
  mandatory.
- :mod:`.locate`: where the checkov executable and drkit's own checks (policies/checkov) are.
- :mod:`.process`: checkov's command line, running it, and reading its JSON report.
- :mod:`.findings`: a failed check as a :class:`~drkit_core.findings.Finding` on the Pulumi
  resource it came from.
- :mod:`.scans`: writing each stack's plan and scanning them, several at once.
- :mod:`.checker`: all of it as a :class:`drkit.checkers.Checker`.
"""

from drkit.checkers.checkov.checker import CheckovChecker
from drkit.checkers.checkov.errors import CheckovError
from drkit.checkers.checkov.findings import SOURCE, to_finding
from drkit.checkers.checkov.locate import (
    ENV_EXECUTABLE,
    VENV,
    external_checks_dir,
    find_checkov,
    own_check_ids,
)
from drkit.checkers.checkov.options import DR_CHECKS, DRKIT_CHECK_PREFIX, CheckovOptions
from drkit.checkers.checkov.process import command, run_checkov
from drkit.checkers.checkov.scans import ScanResult, StackScan, scan, scan_each, unmapped_lines

__all__ = [
    "DRKIT_CHECK_PREFIX", "DR_CHECKS", "ENV_EXECUTABLE", "SOURCE", "VENV", "CheckovChecker",
    "CheckovError", "CheckovOptions", "ScanResult", "StackScan", "command",
    "external_checks_dir", "find_checkov", "own_check_ids", "run_checkov", "scan", "scan_each",
    "to_finding", "unmapped_lines",
]
