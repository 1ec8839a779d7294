"""The root Pulumi.yaml is the aws-warm-standby project, run from the repository root."""

from __future__ import annotations

from pathlib import Path

import yaml

from drkit.engine.runner import run_stack
from drkit_core.project import Project

ROOT = Path(__file__).parent.parent
TEMPLATE = ROOT / "stacks" / "aws-warm-standby"


def test_root_project_matches_the_template() -> None:
    root = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    template = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())
    assert root.pop("main") == "stacks/aws-warm-standby/"
    assert root.pop("stackConfigDir") == "stacks/aws-warm-standby"
    assert root["runtime"]["options"].pop("virtualenv") == ".venv"
    template["runtime"]["options"].pop("virtualenv")
    assert root == template, "copy stacks/aws-warm-standby/Pulumi.yaml's changes to Pulumi.yaml"


def test_root_project_runs_the_template_stacks() -> None:
    project = Project.load(ROOT)
    assert project.stacks() == ["global", "primary", "secondary"]
    from_root = run_stack(ROOT, "global")
    from_template = run_stack(TEMPLATE, "global")
    assert {r.urn for r in from_root.resources} == {r.urn for r in from_template.resources}
