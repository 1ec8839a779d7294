"""The recovery-target rules ("DR-PLAN-001", "DR-PLAN-002" per stack; "DR-APP-003",
"DR-APP-004" per app) and plain Pulumi programs (no drkit components) through the recovery
model, ``drkit assess`` and ``drkit check``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from drkit.check import run_stacks
from drkit.cli import main
from drkit_core.intent import Intent
from drkit_core.recovery import Scenario, View, view_of
from policies.model import evaluate
from policies.registry import by_id

PROGRAMS = Path(__file__).parent / "fixtures" / "recovery"


def assess_json(program: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["assess", str(PROGRAMS / program), "--format", "json"]) == 0
    [app] = json.loads(capsys.readouterr().out)["apps"]
    return {"app": app, **{s["scenario"]: s for s in app["scenarios"]}}


def test_a_5_minute_rpo_over_s3_replication_with_rtc_fails_drkit_check(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(PROGRAMS / "s3-rtc"), "--no-checkov", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    findings = [v for s in report["stacks"] for v in s["violations"]
                if v["rule"] == "DR-PLAN-001"]
    assert code == 1
    [finding] = findings
    assert finding["enforcement"] == "mandatory"
    assert finding["message"].startswith("region-loss: the estimated RPO is 15m, over the "
                                         "target 5m")
    assert "Replication Time Control" in finding["message"] and finding["name"] == "source"


def test_with_protections_each_scenario_has_a_bound(capsys: pytest.CaptureFixture[str]) -> None:
    found = assess_json("protected-db", capsys)
    assert found["zone-loss"]["rpo_seconds"] == 0
    assert found["region-loss"]["rpo_seconds"] == 60
    assert found["data-corruption"]["rpo_seconds"] == 300
    assert [found[s]["meets_rpo"] for s in Scenario] == [True, True, True]
    assert found["region-loss"]["critical_path"] == [
        "detect", "decide", "adopt", "promote", "switch-traffic", "verify"]
    assert found["app"]["readiness"]["level"] == 2


def test_without_protections_every_scenario_is_unbounded(
        capsys: pytest.CaptureFixture[str]) -> None:
    found = assess_json("unprotected", capsys)
    for scenario in Scenario:
        assert found[scenario]["rpo_seconds"] is None, scenario
        assert found[scenario]["meets_rpo"] is False, scenario
    assert found["region-loss"]["rto_seconds"] is None
    assert found["app"]["readiness"]["level"] == 0


def test_the_only_copy_being_a_replica_is_unbounded_for_corruption_and_level_0(
        capsys: pytest.CaptureFixture[str]) -> None:
    found = assess_json("replica-only", capsys)
    assert found["region-loss"]["rpo_seconds"] == 1
    assert found["data-corruption"]["rpo_seconds"] is None
    assert found["app"]["readiness"]["level"] == 0
    code = main(["check", str(PROGRAMS / "replica-only"), "--no-checkov"])
    out = capsys.readouterr().out
    assert code == 1 and "DR-PLAN-001" in out
    assert "data-corruption: the estimated RPO is unbounded" in out


@cache
def stack_views(program: str) -> list[View]:
    [stack] = run_stacks([PROGRAMS / program])
    return [view_of(r) for r in stack.run.resources if r.managed]


def test_the_stack_rules_take_targets_from_their_config_without_drkit_intent() -> None:
    views = stack_views("protected-db")
    rto = by_id()["DR-PLAN-002"]
    assert evaluate(rto, views, {}) == []
    [violation] = [v for v in evaluate(rto, views, {"rto": "30m"})
                   if v.message.startswith("region-loss")]
    assert "critical path: detect 15m (manual) -> decide 15m (manual)" in violation.message
    rpo = by_id()["DR-PLAN-001"]
    assert evaluate(rpo, views, {"rpo": "15m"}) == []
    assert [v.message.split(":")[0] for v in evaluate(rpo, views, {"rpo": "30s"})] == [
        "region-loss", "data-corruption"]


def test_measured_figures_from_the_rule_config(tmp_path: Path) -> None:
    figures = tmp_path / "figures.yaml"
    figures.write_text("figures:\n  rds.replica_lag: {seconds: 5}\n  rds.pitr: {seconds: 20}\n")
    rpo = by_id()["DR-PLAN-001"]
    assert evaluate(rpo, stack_views("protected-db"), {"rpo": "30s",
                                                       "figures": str(figures)}) == []


@cache
def template_views(template: str) -> dict[str, list[View]]:
    stacks = run_stacks([Path(__file__).parent.parent / "stacks" / template])
    return {str(s.intent.role): [view_of(r) for r in s.run.resources if r.managed]
            for s in stacks}


def test_the_app_rules_judge_the_stacks_of_an_app_together() -> None:
    stacks = template_views("aws-warm-standby")
    intent = Intent.from_config({"rpo": "15m", "rto": "1h", "role": "primary",
                                 "regions": {"primary": "eu-west-1",
                                             "secondary": "eu-central-1"}})
    assert evaluate(by_id()["DR-APP-003"], stacks, {}, intent) == []
    assert evaluate(by_id()["DR-APP-004"], stacks, {}, intent) == []
    tight = Intent.from_config({"rpo": "10m", "rto": "30m", "role": "primary",
                                "regions": {"primary": "eu-west-1",
                                            "secondary": "eu-central-1"}})
    [rpo] = evaluate(by_id()["DR-APP-003"], stacks, {}, tight)
    assert rpo.message.startswith("region-loss: the estimated RPO is 15m, over the target 10m")
    assert rpo.stack == "primary" and rpo.urn and rpo.urn.endswith("::shop-data")
    rto = [v.message for v in evaluate(by_id()["DR-APP-004"], stacks, {}, tight)]
    assert [m.split(":")[0] for m in rto] == ["region-loss", "data-corruption"]
    assert "critical path: detect 1m30s -> decide 15m (manual) -> adopt 5m (manual) -> " \
           "promote 15m (manual) -> verify 5m (manual)" in rto[0]
    # Without the global stack nothing watches the region: detection waits for a person.
    hour = Intent.from_config({"rto": "55m", "role": "primary", "regions": {
        "primary": "eu-west-1", "secondary": "eu-central-1"}})
    with_entry = evaluate(by_id()["DR-APP-004"], stacks, {}, hour)
    assert not [v for v in with_entry if v.message.startswith("region-loss")]
    alone = {k: v for k, v in stacks.items() if k != "global"}
    [slower] = [v.message for v in evaluate(by_id()["DR-APP-004"], alone, {}, hour)
                if v.message.startswith("region-loss")]
    assert "the estimated RTO is 1h, over the target 55m" in slower
    assert "detect 15m (manual)" in slower


def test_one_stack_of_a_drkit_app_is_not_judged_alone() -> None:
    stacks = template_views("aws-warm-standby")
    intent = Intent.from_config({"rpo": "1m", "rto": "1m", "role": "primary"})
    for rule in ("DR-PLAN-001", "DR-PLAN-002"):
        assert evaluate(by_id()[rule], stacks["primary"], {}, intent) == []
