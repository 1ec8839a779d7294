"""``drkit check`` end to end: broken programs fail with the expected rules and exit 1, the
shipped template passes, config overrides and errors, and every output format's shape."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drkit.check import check as check_stacks
from drkit.check import run_stacks
from drkit.checkers.rules import DrkitRules
from drkit.cli import main
from drkit.report import render
from drkit_core.graph import CheckedStack

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "fixtures" / "broken"
TEMPLATE = ROOT / "stacks" / "aws-warm-standby"


def check(capsys: pytest.CaptureFixture[str], *args: str | Path,
          checkov: bool = False) -> tuple[int, str, str]:
    """``drkit check``; without checkov unless asked (tests/test_check_checkov.py covers it)."""
    code = main(["check", *map(str, args), *([] if checkov else ["--no-checkov"])])
    out, err = capsys.readouterr()
    return code, out, err


def report(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict[str, Any]]:
    code, out, _ = check(capsys, *args, "--format", "json")
    return code, json.loads(out)


def rules(data: dict[str, Any], unknown: bool = False) -> set[str]:
    return {v["rule"] for s in data["stacks"] for v in s["violations"] if v["unknown"] is unknown}


@pytest.mark.parametrize(("program", "expected"), [
    ("single-az-db", {"DR-AWS-001"}),
    ("unversioned-bucket", {"DR-AWS-006", "DR-API-005"}),
    ("replica-outside-residency", {"DR-RES-001", "DR-RES-002"}),
    ("unchecked-failover", {"DR-AWS-010"}),
    ("unreplicated-app", {"DR-AWS-005", "DR-APP-001", "DR-APP-003", "DR-APP-004"}),
    ("api-constraints", {"DR-API-001", "DR-API-002", "DR-API-006"}),
])
def test_broken_programs_fail_with_the_expected_rules(capsys: pytest.CaptureFixture[str],
                                                      program: str, expected: set[str]) -> None:
    code, data = report(capsys, BROKEN / program)
    assert code == 1
    assert rules(data) == expected
    assert data["summary"]["mandatory"] >= len(expected) and data["summary"]["failed"]


def test_residency_violations_name_resource_region_and_jurisdictions(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, data = report(capsys, BROKEN / "replica-outside-residency")
    messages = [v["message"] for s in data["stacks"] for v in s["violations"]]
    assert ('aws:s3/bucket:Bucket "data-replica" is in us-east-1 (us), outside the allowed '
            "jurisdictions (eu)") in messages


def test_api_constraints_name_the_resource_the_constraint_and_its_source(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A plain program AWS would refuse; its failover alias record that evaluates its target's
    health is valid and not flagged (the old DR-AWS-010 flagged it)."""
    _, data = report(capsys, BROKEN / "api-constraints")
    found = {v["rule"]: v for s in data["stacks"] for v in s["violations"]}
    assert all(v["enforcement"] == "mandatory" for v in found.values())
    assert found["DR-API-001"]["name"] == "source"
    assert "RDS cannot create a read replica of such a source" in found["DR-API-001"]["message"]
    assert "docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html" in \
        found["DR-API-001"]["message"]
    assert found["DR-API-002"]["name"] == "replica"
    assert "API_DeleteDBInstance.html" in found["DR-API-002"]["message"]
    assert found["DR-API-006"]["type"] == \
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
    assert "S3 skips every SSE-KMS object" in found["DR-API-006"]["message"]
    assert "DR-AWS-010" not in found


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = report(capsys, BROKEN / "single-az-db")
    (stack,) = data["stacks"]
    assert stack["stack"] == "dev" and stack["resources"] == 2
    (violation,) = stack["violations"]
    assert {"rule", "policy", "enforcement", "severity", "urn", "type", "name",
            "message"} <= set(violation)
    assert violation["policy"] == "rds-multi-az" and violation["enforcement"] == "mandatory"
    assert violation["location"] == {"file": "tests/fixtures/broken/single-az-db/__main__.py",
                                     "line": 6}
    assert data["summary"] == {"mandatory": 1, "advisory": 0, "disabled": 0, "unknown": 0,
                               "stacks": 1, "failed": True}


def test_app_rules_run_only_when_the_app_is_checked_together(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, alone = report(capsys, BROKEN / "unreplicated-app", "--stack", "primary")
    assert rules(alone) == set()
    _, pair = report(capsys, BROKEN / "unreplicated-app", "-s", "primary", "-s", "secondary")
    # Together, the app also misses its RPO and RTO: no copy of the database leaves eu-west-1.
    assert rules(pair) == {"DR-AWS-005", "DR-APP-001", "DR-APP-003", "DR-APP-004"}


def test_several_projects_in_one_call(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = report(capsys, BROKEN / "single-az-db", BROKEN / "unchecked-failover")
    assert code == 1
    assert [(s["project"], s["stack"]) for s in data["stacks"]] == [
        ("single-az-db", "dev"), ("unchecked-failover", "global")]


def test_policy_pack_config_sets_levels_and_config(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"rds-multi-az": "advisory"}))
    code, data = report(capsys, BROKEN / "single-az-db", "--policy-pack-config", config)
    assert code == 0 and data["summary"]["advisory"] == 1
    config.write_text(json.dumps({"all": "disabled"}))
    code, data = report(capsys, BROKEN / "single-az-db", "--policy-pack-config", config)
    assert code == 0 and data["summary"]["advisory"] == 0
    config.write_text(json.dumps({"rds-backup-retention": {"minDays": 21}}))
    code, data = report(capsys, BROKEN / "single-az-db", "--policy-pack-config", config)
    assert rules(data) == {"DR-AWS-001", "DR-AWS-002"}


@pytest.mark.parametrize(("args", "expected"), [
    (["--policy-pack-config", "{config}"], "rds-multi-azz: no such policy"),
    (["--stack", "nope"], "no stack 'nope'"),
])
def test_usage_and_config_errors_exit_2_with_a_message(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str],
        expected: str) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"rds-multi-azz": "advisory"}))
    filled = [a.replace("{config}", str(config)) for a in args]
    code, out, err = check(capsys, BROKEN / "single-az-db", *filled)
    assert code == 2 and expected in err and "Traceback" not in err and out == ""


def test_sarif_is_what_github_code_scanning_accepts(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    output = tmp_path / "out" / "drkit.sarif"
    code, _, _ = check(capsys, BROKEN / "unreplicated-app", "--format", "sarif", "-o", output)
    assert code == 1
    sarif = json.loads(output.read_text())
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    assert "DR-AWS-001" in ids and all(r["shortDescription"]["text"].startswith("Ensure")
                                       and r["help"]["text"] for r in driver["rules"])
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"DR-AWS-005", "DR-APP-001", "DR-APP-003", "DR-APP-004"}
    for result in run["results"]:
        assert result["level"] == "error" and result["message"]["text"]
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["partialFingerprints"]["drkitFinding/v1"]
        (location,) = result["locations"]
        assert not Path(location["physicalLocation"]["artifactLocation"]["uri"]).is_absolute()
    program = by_rule["DR-APP-001"]["locations"][0]["physicalLocation"]
    assert program["artifactLocation"]["uri"] == \
        "tests/fixtures/broken/unreplicated-app/__main__.py"
    assert program["region"]["startLine"] == 9
    stack_level = by_rule["DR-AWS-005"]["locations"][0]["physicalLocation"]
    assert stack_level["artifactLocation"]["uri"] == \
        "tests/fixtures/broken/unreplicated-app/Pulumi.secondary.yaml"


def test_junit_has_a_suite_per_stack_and_a_case_per_rule(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, BROKEN / "unreplicated-app", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"unreplicated-app/primary", "unreplicated-app/secondary"}
    secondary = suites["unreplicated-app/secondary"]
    failed = [c.get("name") for c in secondary.iter("testcase") if c.find("failure") is not None]
    assert failed == ["DR-AWS-005 rds-secondary-replica"]
    assert int(secondary.get("tests", "0")) >= 20 and secondary.get("failures") == "1"
    assert root.get("failures") == "4"  # the primary: DR-APP-001, DR-APP-003, DR-APP-004


def test_text_is_grouped_by_stack_with_fixes_and_a_summary(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, BROKEN / "single-az-db")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("single-az-db/dev: 2 resources")
    assert "HIGH" in lines[1] and "DR-AWS-001 rds-multi-az" in lines[1]
    assert any(line.strip().startswith("fix: Set multi_az=True") for line in lines)
    assert lines[-1].startswith("FAILED: 1 mandatory, 0 advisory, 0 unknown")


@pytest.mark.skipif(not TEMPLATE.is_dir(), reason="the AWS template is not there yet")
def test_the_aws_template_passes_with_no_mandatory_violation(
        stacks_of: Callable[[Path], dict[str, CheckedStack]]) -> None:
    checked = check_stacks(list(stacks_of(TEMPLATE).values()), [DrkitRules()])
    code, data = int(checked.failed), json.loads(render(checked, "json"))
    assert {s["stack"] for s in data["stacks"]} == {"primary", "secondary", "global"}
    assert rules(data) == set() and code == 0
    assert rules(data, unknown=True) == set()


def test_app_rules_pair_stacks_of_one_project_only(tmp_path: Path) -> None:
    """Two projects whose stacks share drkit:app must not be judged as one app."""
    source = Path(__file__).parent / "fixtures" / "broken" / "unreplicated-app"
    twin = tmp_path / "twin"
    shutil.copytree(source, twin)
    (twin / "Pulumi.secondary.yaml").unlink()
    pulumi_yaml = twin / "Pulumi.yaml"
    pulumi_yaml.write_text(re.sub(r"(?m)^name: .*$", "name: twin", pulumi_yaml.read_text()))
    alone = check_stacks(run_stacks([twin]), [DrkitRules()])
    assert not any(f.rule.startswith("DR-APP-") for f in alone.findings)
    together = check_stacks(run_stacks([source, twin]), [DrkitRules()])
    app_findings = [f for f in together.findings if f.rule == "DR-APP-001"]
    assert app_findings and {f.stack for f in app_findings} == {"primary"}
    assert all("::twin::" not in (f.urn or "") for f in app_findings)


def test_sarif_default_levels_follow_enforcement(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    config = tmp_path / "pack.json"
    config.write_text(json.dumps({"rds-multi-az": "advisory"}))
    check(capsys, BROKEN / "single-az-db", "--policy-pack-config", config, "--format", "sarif",
          "-o", tmp_path / "out.sarif")
    driver = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["tool"]["driver"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert levels["DR-AWS-001"] == "warning"
    assert levels["DR-AWS-003"] == "error"
