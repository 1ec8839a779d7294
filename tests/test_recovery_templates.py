"""The shipped templates' recovery estimates, runbooks and ``drkit assess`` formats.

Expected estimates live in tests/recovery/<template>.yaml, each number the sum of the figures
its steps cite (drkit_core/data/figures.yaml); ``DRKIT_REGEN=1`` rewrites them after a
deliberate change (review the diff).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from drkit.check import run_stacks
from drkit.cli import main
from drkit.plan.apps import App, assess_all
from drkit.plan.report import render
from drkit_core.recovery import Assessment, Scenario, shipped

ROOT = Path(__file__).parent.parent
TEMPLATES = ("aws-warm-standby", "gcp-warm-standby", "gcp-active-active")
REGENERATE = "DRKIT_REGEN=1 python -m pytest tests/test_recovery_templates.py"


@cache
def assessed(template: str) -> tuple[tuple[App, Assessment], ...]:
    stacks = run_stacks([ROOT / "stacks" / template])
    return tuple(assess_all(stacks, shipped(), date(2026, 12, 1)))


def expected_of(assessment: Assessment) -> dict[str, Any]:
    scenarios = {}
    for scenario, result in assessment.scenarios.items():
        estimate = result.estimate
        steps = {s.name: s.seconds for s in estimate.steps}
        scenarios[str(scenario)] = {
            "rpo_seconds": estimate.rpo_seconds,
            "rpo_set_by": estimate.worst.mechanism if estimate.worst else None,
            "rto_seconds": estimate.rto_seconds,
            "rto_sum": " + ".join(f"{n} {steps[n]}" for n in estimate.critical_path),
            "critical_path": list(estimate.critical_path),
            "steps": steps,
            "meets_rpo": result.meets_rpo,
            "meets_rto": result.meets_rto,
        }
    return {"readiness": assessment.readiness.level, "scenarios": scenarios}


@pytest.mark.parametrize("template", TEMPLATES)
def test_estimates_match_the_hand_checked_file(template: str) -> None:
    [(_, assessment)] = assessed(template)
    actual = expected_of(assessment)
    path = ROOT / "tests" / "recovery" / f"{template}.yaml"
    if os.environ.get("DRKIT_REGEN"):
        path.write_text(f"# Recovery estimate of stacks/{template}: each RTO is the sum of its "
                        "critical path's steps,\n# each step a figure of drkit_core/data/"
                        f"figures.yaml or the stacks' health-check settings.\n# Regenerate: "
                        f"{REGENERATE}\n" + yaml.safe_dump(actual, sort_keys=True, width=100))
    assert actual == yaml.safe_load(path.read_text()), (
        f"the estimate of {template} changed; if intended, regenerate with: {REGENERATE}")


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_meet_their_targets_in_every_scenario_with_integer_estimates(
        template: str) -> None:
    [(_, assessment)] = assessed(template)
    assert assessment.rpo_target and assessment.rto_target
    for scenario, result in assessment.scenarios.items():
        estimate = result.estimate
        assert isinstance(estimate.rpo_seconds, int), scenario
        assert isinstance(estimate.rto_seconds, int), scenario
        assert estimate.critical_path, scenario
        assert (result.meets_rpo, result.meets_rto) == (True, True), scenario
    assert assessment.readiness.evidence


def test_aws_template_sums_its_figures() -> None:
    [(_, assessment)] = assessed("aws-warm-standby")
    figures = shipped()
    step, response = figures.seconds("operator.step"), figures.seconds("operator.response")
    promotion = figures.seconds("rds.replica_promotion")
    assert step and response and promotion
    region = assessment.scenarios[Scenario.REGION_LOSS].estimate
    # Route53 health check: 30 s x 3 failures; a person decides, sets drkit:active, runs
    # `pulumi up` (promotion), and verifies.
    assert region.rto_seconds == 90 + response + step + (step + promotion) + step
    assert region.rpo_seconds == figures.seconds("s3.replication_rtc")


@pytest.mark.parametrize("template", TEMPLATES)
def test_shipped_runbooks_are_fresh(template: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["runbook", str(ROOT / "stacks" / template), "--check"])
    assert code == 0, (f"stale runbooks in stacks/{template}/runbooks: "
                       f"{capsys.readouterr().err}")


def test_runbook_check_names_the_stale_file(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "gcp-warm-standby"
    shutil.copytree(ROOT / "stacks" / "gcp-warm-standby", project)
    stale = project / "runbooks" / "shop" / "zone-loss.md"
    stale.write_text(stale.read_text().replace("Zone loss", "Zone lost"))
    (project / "runbooks" / "shop" / "switch-back.md").unlink()
    assert main(["runbook", str(project), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{stale}: stale" in err and "switch-back.md: missing" in err
    assert main(["runbook", str(project)]) == 0
    assert main(["runbook", str(project), "--check"]) == 0


def test_runbooks_name_real_resources_commands_and_a_diagram() -> None:
    text = (ROOT / "stacks/aws-warm-standby/runbooks/shop/region-failover.md").read_text()
    for needed in ("```mermaid", "pulumi config set drkit:active secondary --stack primary",
                   "pulumi up --stack secondary", "pulumi up --stack global",
                   "aws rds promote-read-replica --db-instance-identifier shop-db-eu-central-1",
                   "<name of ASG shop-web-asg>", "Time budget: **"):
        assert needed in text, needed
    assert text.index("pulumi up --stack secondary") < text.index("pulumi up --stack global")
    gcp = (ROOT / "stacks/gcp-warm-standby/runbooks/shop/region-failover.md").read_text()
    assert "gcloud sql instances promote-replica shop-db-europe-west4" in gcp
    back = (ROOT / "stacks/aws-warm-standby/runbooks/shop/switch-back.md").read_text()
    assert back.index("drkit:active primary --stack global") < back.index(
        "pulumi up --stack primary\n   ```\n2.")


def test_switch_back_lifts_both_guards_before_each_rebuild() -> None:
    """Replacing a diverged old primary by a replica is deliberate: Pulumi's protect and the
    database's own deletion protection are lifted first, and the global stack runs again once
    the rebuilt region can take traffic back."""
    back = (ROOT / "stacks/aws-warm-standby/runbooks/shop/switch-back.md").read_text()
    rebuild, _, ups = back.partition("### 2. Set the switch back")
    assert rebuild.index("pulumi state unprotect 'urn:pulumi:primary::") < rebuild.index(
        "aws rds modify-db-instance --db-instance-identifier shop-db-eu-west-1 "
        "--no-deletion-protection --apply-immediately --region eu-west-1") < rebuild.index(
        "pulumi up --stack primary") < rebuild.index("pulumi up --stack global")
    order = [ups.index(text) for text in (
        "pulumi up --stack primary", "pulumi up --stack global",
        "pulumi state unprotect 'urn:pulumi:secondary::",
        "--db-instance-identifier shop-db-eu-central-1 --no-deletion-protection",
        "pulumi up --stack secondary")]
    assert order == sorted(order)
    assert ups.rindex("pulumi up --stack global") > ups.index("pulumi up --stack secondary")
    gcp = (ROOT / "stacks/gcp-warm-standby/runbooks/shop/switch-back.md").read_text()
    assert "gcloud sql instances patch shop-db-europe-west1 --no-deletion-protection" in gcp


def test_user_templates_override_drkit_s_by_name(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "zone-loss.md.j2").write_text(
        "{{ app }}: {% for s in steps %}{{ s.name }}={{ s.seconds }} {% endfor %}\n")
    out = tmp_path / "out"
    assert main(["runbook", str(ROOT / "stacks/gcp-active-active"), "--output", str(out),
                 "--templates", str(templates)]) == 0
    assert (out / "shop" / "zone-loss.md").read_text().startswith("shop: detect=30 ")
    assert "```mermaid" in (out / "shop" / "region-failover.md").read_text()


def test_a_broken_user_template_exits_2_naming_it(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "zone-loss.md.j2").write_text("{{ nothing_like_this }}\n")
    assert main(["runbook", str(ROOT / "stacks/gcp-active-active"), "--output",
                 str(tmp_path / "out"), "--templates", str(tmp_path)]) == 2
    assert "zone-loss.md.j2" in capsys.readouterr().err


def test_json_has_the_documented_shape() -> None:
    data = json.loads(render(assessed("aws-warm-standby"), "json"))
    [app] = data["apps"]
    assert set(app) == {"app", "project", "cloud", "tier", "stacks", "targets", "readiness",
                        "scenarios"}
    assert (app["app"], app["project"], app["cloud"], app["tier"]) == (
        "shop", "aws-warm-standby", "aws", "warm-standby")
    assert app["targets"] == {"rpo_seconds": 900, "rto_seconds": 3600}
    assert set(app["readiness"]) == {"level", "evidence", "next"}
    assert [s["scenario"] for s in app["scenarios"]] == [
        "zone-loss", "region-loss", "data-corruption"]
    for scenario in app["scenarios"]:
        assert set(scenario) == {"scenario", "rpo_seconds", "rto_seconds", "meets_rpo",
                                 "meets_rto", "data", "steps", "critical_path"}
        assert all(set(d) == {"urn", "name", "type", "mechanism", "rpo_seconds"}
                   for d in scenario["data"])
        assert all(set(s) == {"step", "seconds", "automatic", "after", "source"}
                   for s in scenario["steps"])
        assert isinstance(scenario["rto_seconds"], int)
        names = {s["step"] for s in scenario["steps"]}
        assert set(scenario["critical_path"]) <= names


def test_markdown_fits_a_job_summary() -> None:
    text = render(assessed("gcp-active-active"), "markdown")
    assert text.startswith("## Recovery estimate: `shop` (gcp-active-active)")
    assert "| region-loss | 15m | meets | 40m30s | meets |" in text
    assert "**Readiness 2/4**" in text and "<details>" in text


def test_assess_writes_its_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report" / "assess.md"
    assert main(["assess", str(ROOT / "stacks/gcp-active-active"), "--format", "markdown",
                 "--output", str(out)]) == 0
    assert out.read_text().startswith("## Recovery estimate")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]
