"""checkov on drkit's exports, for real: fidelity with Terraform, graph checks through the rebuilt
references, drkit's own checks (policies/checkov) on exports and on plain Terraform, and the
``scan`` API ``drkit check`` calls.

checkov is found the way the product finds it (``$DRKIT_CHECKOV``, ``.venv-checkov``, PATH;
``make setup`` installs it). Each checkov process costs ~3 s of start-up, so the plans of several
fixtures are scanned in one directory run, and the runs are shared and started together
(tests/checkov_runs.py). Each fixture that hands out a run asserts first that drkit's own checks
ran in it.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from checkov_runs import (
    BROKEN_CHECK,
    PROGRAMS,
    CheckovRuns,
    Results,
    assert_own_checks_ran,
)

from drkit.checkers import checkov
from drkit.checkers.checkov import locate
from drkit.engine.runner import run_stack
from drkit.export.tfplan import PlanExport
from drkit_core.findings import Enforcement

DR_CHECKS = checkov.DR_CHECKS
OWN_CHECKS = checkov.own_check_ids()


@pytest.fixture(scope="module")
def directory_scan(checkov_runs: CheckovRuns) -> dict[str, Any]:
    """One checkov run over a folder of plans (``terraform_plan``) and HCL (``terraform``)."""
    return checkov_runs.result("directory_scan")


@pytest.fixture(scope="module")
def plan_scan(directory_scan: dict[str, Any]) -> dict[str, Any]:
    """The plans: the exports, the fidelity export without its references, and a plan as
    Terraform writes it."""
    results = {f: r for f, r in directory_scan["results"].items() if f.endswith(".json")}
    assert_own_checks_ran(check_ids(results), OWN_CHECKS)
    return {"results": results, "summary": directory_scan["summaries"]["terraform_plan"]}


@pytest.fixture(scope="module")
def exports(directory_scan: dict[str, Any]) -> dict[str, PlanExport]:
    return directory_scan["exports"]


@pytest.fixture(scope="module")
def hcl_scan(directory_scan: dict[str, Any]) -> Results:
    """The HCL twins of the fidelity program and of the plain-Terraform plan."""
    results = {f: r for f, r in directory_scan["results"].items() if f.endswith(".tf")}
    assert_own_checks_ran(check_ids(results), OWN_CHECKS)
    return results


def check_ids(results: Results) -> set[str]:
    return {check_id for per_file in results.values() for check_id, _ in per_file}


@pytest.fixture(scope="module")
def broken_checks_scan(checkov_runs: CheckovRuns) -> Any:
    """checkov with a copy of policies/checkov in which one check's import fails."""
    return checkov_runs.result("broken_checks_scan")


@pytest.fixture(scope="module")
def typed_intent_run(checkov_runs: CheckovRuns) -> Any:
    return checkov_runs.result("typed_intent_run")


@pytest.fixture(scope="module")
def fidelity_scan(checkov_runs: CheckovRuns) -> dict[str, Any]:
    """The checker (skipping CKV_AWS_18) on the fidelity program's stack."""
    checked = checkov_runs.result("fidelity_scan")
    assert_own_checks_ran(checked["checker"].scans["fidelity/test"].checks,
                          {"DR-GCP-001", "DR-RES-003"})
    return checked


def dr_only(results: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    return {key: result for key, result in results.items()
            if key[0] in DR_CHECKS or key[0].startswith("DR-")}


def test_checkov_sees_every_exported_resource(exports: dict[str, PlanExport],
                                              plan_scan: dict[str, Any]) -> None:
    summary = plan_scan["summary"]
    exported = sum(len(e.resources) for e in exports.values())
    terraform_plan = 10  # terraform-drkit-checks.json
    assert summary["resource_count"] == 2 * exported - len(exports["plain-aws"].resources) \
        - len(exports["plain-gcp"].resources) + terraform_plan  # fidelity twice (noref)
    assert summary["parsing_errors"] == 0


FIDELITY_EXPECTED = {
    ("CKV_AWS_21", "aws_s3_bucket.pass_replicated"): "PASSED",
    ("CKV_AWS_21", "aws_s3_bucket.replica"): "PASSED",
    ("CKV_AWS_21", "aws_s3_bucket.fail_unversioned"): "FAILED",
    ("CKV_AWS_144", "aws_s3_bucket.pass_replicated"): "PASSED",
    ("CKV_AWS_144", "aws_s3_bucket.fail_unversioned"): "FAILED",
    ("CKV_AWS_157", "aws_db_instance.pass_multi_az"): "PASSED",
    ("CKV_AWS_157", "aws_db_instance.fail_single_az"): "FAILED",
    ("CKV_AWS_133", "aws_db_instance.pass_multi_az"): "PASSED",
    ("CKV_AWS_133", "aws_db_instance.fail_single_az"): "FAILED",
    ("CKV_AWS_293", "aws_db_instance.pass_multi_az"): "PASSED",
    ("CKV_AWS_293", "aws_db_instance.fail_single_az"): "FAILED",
    ("CKV_AWS_261", "aws_lb_target_group.pass_health_check"): "PASSED",
    ("CKV_AWS_261", "aws_lb_target_group.fail_no_health_check"): "FAILED",
    ("CKV_AWS_28", "aws_dynamodb_table.pass_pitr"): "PASSED",
    ("CKV_AWS_28", "aws_dynamodb_table.fail_no_pitr"): "FAILED",
    ("CKV2_AWS_50", "aws_elasticache_replication_group.pass_failover"): "PASSED",
    ("CKV2_AWS_50", "aws_elasticache_replication_group.fail_no_failover"): "FAILED",
    ("CKV_GCP_14", "google_sql_database_instance.pass_backups"): "PASSED",
    ("CKV_GCP_14", "google_sql_database_instance.fail_no_backups"): "FAILED",
    ("CKV_GCP_78", "google_storage_bucket.pass_versioned"): "PASSED",
    ("CKV_GCP_78", "google_storage_bucket.fail_unversioned"): "FAILED",
    ("DR-GCP-001", "google_sql_database_instance.pass_backups"): "PASSED",
    ("DR-GCP-001", "google_sql_database_instance.fail_no_backups"): "FAILED",
}


def test_good_and_broken_resources_give_the_expected_dr_results(
        plan_scan: dict[str, Any]) -> None:
    results = plan_scan["results"]["fidelity.json"]
    assert {key: results.get(key) for key in FIDELITY_EXPECTED} == FIDELITY_EXPECTED


def test_dr_findings_on_the_export_equal_those_on_terraform(
        plan_scan: dict[str, Any], hcl_scan: Results) -> None:
    on_export = dr_only(plan_scan["results"]["fidelity.json"])
    on_terraform = dr_only(hcl_scan["fidelity/main.tf"])
    # Residency needs a region; the HCL leaves it to the provider block, the export has it.
    on_export = {k: v for k, v in on_export.items() if not k[0].startswith("DR-RES-")}
    on_terraform = {k: v for k, v in on_terraform.items() if not k[0].startswith("DR-RES-")}
    assert on_export == on_terraform
    assert len(on_export) >= len(FIDELITY_EXPECTED)


def test_graph_checks_see_the_bucket_through_the_rebuilt_references(
        plan_scan: dict[str, Any]) -> None:
    without = plan_scan["results"]["fidelity-noref.json"]
    assert without[("CKV_AWS_21", "aws_s3_bucket.pass_replicated")] == "FAILED"
    assert without[("CKV_AWS_144", "aws_s3_bucket.pass_replicated")] == "FAILED"


def test_built_in_checks_on_a_plain_program(plan_scan: dict[str, Any]) -> None:
    aws = plan_scan["results"]["plain-aws.json"]
    assert aws[("CKV_AWS_157", "aws_db_instance.db")] == "FAILED"
    assert aws[("CKV_AWS_293", "aws_db_instance.db")] == "FAILED"
    assert aws[("CKV_AWS_21", "aws_s3_bucket.logs")] == "FAILED"
    assert aws[("CKV_AWS_261", "aws_lb_target_group.web")] == "PASSED"
    # DRKIT_RESIDENCY=eu: the us-east-1 program is outside.
    assert aws[("DR-RES-001", "aws_db_instance.db")] == "FAILED"
    gcp = plan_scan["results"]["plain-gcp.json"]
    assert gcp[("CKV_GCP_14", "google_sql_database_instance.db")] == "PASSED"
    assert gcp[("CKV_GCP_78", "google_storage_bucket.assets")] == "PASSED"
    assert gcp[("DR-GCP-001", "google_sql_database_instance.db")] == "PASSED"
    assert gcp[("DR-RES-001", "google_storage_bucket.assets")] == "PASSED"


DRKIT_CHECKS_EXPECTED = {
    ("DR-GCP-001", "google_sql_database_instance.fail_zonal"): "FAILED",
    ("DR-GCP-001", "google_sql_database_instance.pass_regional"): "PASSED",
    ("DR-AWS-010", "aws_route53_record.fail_primary_unchecked"): "FAILED",
    ("DR-AWS-010", "aws_route53_record.pass_primary_checked"): "PASSED",
    ("DR-RES-003", "aws_db_instance.fail_same_region_replica"): "FAILED",
    ("DR-RES-003", "aws_db_instance.pass_cross_region_replica"): "PASSED",
    ("DR-AWS-014", "aws_backup_plan.fail_no_copy"): "FAILED",
    ("DR-AWS-014", "aws_backup_plan.pass_copy_elsewhere"): "PASSED",
    ("DR-RES-001", "aws_s3_bucket.fail_outside_eu"): "FAILED",
    ("DR-RES-001", "aws_s3_bucket.pass_inside_eu"): "PASSED",
    ("DR-RES-002", "aws_db_instance.pass_cross_region_replica"): "PASSED",
    ("DR-RES-002", "aws_backup_plan.pass_copy_elsewhere"): "PASSED",
}


@pytest.mark.parametrize("source", ["terraform plan", "terraform HCL"])
def test_drkit_checks_fire_on_plain_terraform(source: str,
                                              plan_scan: dict[str, Any],
                                              hcl_scan: Results) -> None:
    results = (plan_scan["results"]["terraform-drkit-checks.json"] if source == "terraform plan"
               else hcl_scan["drkit-checks/main.tf"])
    assert {key: results.get(key) for key in DRKIT_CHECKS_EXPECTED} == DRKIT_CHECKS_EXPECTED


def test_checker_maps_findings_back_to_pulumi_resources(fidelity_scan: dict[str, Any]) -> None:
    stacks, checker, results = (fidelity_scan[k] for k in ("stacks", "checker", "results"))
    assert list(results) == ["fidelity/test"]
    scan = checker.scans["fidelity/test"]
    assert scan.seen == scan.exported == 19 and scan.unmapped == []
    assert scan.plan == fidelity_scan["plan_dir"] / "fidelity-test.tfplan.json"
    assert scan.plan.exists()
    findings = results["fidelity/test"].findings
    assert scan.failed == len(findings) and scan.passed > 0
    assert results["fidelity/test"].checks_run == scan.passed + scan.failed
    by_key = {(f.rule, f.name): f for f in findings}
    multi_az = by_key[("CKV_AWS_157", "fail_single_az")]
    assert multi_az.source == "checkov" and multi_az.enforcement is Enforcement.MANDATORY
    assert multi_az.type == "aws:rds/instance:Instance" and multi_az.stack == "test"
    assert multi_az.urn == next(r.urn for r in stacks[0].run.resources
                                if r.name == "fail_single_az")
    assert multi_az.location is not None
    assert multi_az.location[0] == "tests/fixtures/checkov/fidelity/__main__.py"
    assert "aws_db_instance.fail_single_az" in multi_az.message
    assert by_key[("DR-GCP-001", "fail_no_backups")].enforcement is Enforcement.MANDATORY
    advisory = [f for f in findings if f.rule not in DR_CHECKS and not f.rule.startswith("DR-")]
    assert advisory and all(f.enforcement is Enforcement.ADVISORY for f in advisory)
    assert all(f.rule != "CKV_AWS_18" for f in findings)
    seen = {info.id for info in checker.checks_seen()}
    assert {"CKV_AWS_157", "DR-GCP-001"} <= seen and "CKV_AWS_18" not in seen


def test_checker_rules_are_the_mandatory_checks() -> None:
    assert checkov.own_check_ids() == {"DR-GCP-001", "DR-AWS-010", "DR-RES-003", "DR-AWS-014",
                                       "DR-RES-001", "DR-RES-002"}
    rules = {info.id: info for info in checkov.CheckovChecker().rules()}
    assert set(rules) == set(DR_CHECKS) | checkov.own_check_ids()
    assert rules["DR-GCP-001"].title == "Ensure Cloud SQL primaries are regional (HA)"
    assert all(info.source == "checkov" for info in rules.values())


def test_mandatory_checks_are_configurable() -> None:
    default = checkov.CheckovOptions()
    assert default.enforcement("CKV_AWS_157") is Enforcement.MANDATORY
    assert default.enforcement("DR-RES-001") is Enforcement.MANDATORY
    assert default.enforcement("CKV_AWS_18") is Enforcement.ADVISORY
    chosen = checkov.CheckovOptions(mandatory=frozenset({"CKV_AWS_18"}))
    assert chosen.enforcement("CKV_AWS_18") is Enforcement.MANDATORY
    assert chosen.enforcement("CKV_AWS_157") is Enforcement.ADVISORY
    assert checkov.CheckovOptions(mandatory=frozenset({"*"})).enforcement("X") is \
        Enforcement.MANDATORY


def test_command_line() -> None:
    options = checkov.CheckovOptions(checks=("CKV_AWS_157", "DR-GCP-001"),
                                     skip_checks=("CKV_AWS_18",))
    argv = checkov.command("checkov", Path("p.json"), Path("policies/checkov"), options)
    assert argv[:6] == ["checkov", "--skip-download", "--framework", "terraform_plan", "-o",
                        "json"]
    assert argv[argv.index("--external-checks-dir") + 1] == "policies/checkov"
    assert argv[argv.index("--check") + 1] == "CKV_AWS_157,DR-GCP-001"
    assert argv[argv.index("--skip-check") + 1] == "CKV_AWS_18"


def test_a_finding_reads_the_same_from_run_to_run() -> None:
    """checkov lists the keys a check looked at in set order; the message sorts them."""
    record = {"check_id": "CKV_AWS_18", "check_name": "Ensure access logging",
              "resource_address": "aws_s3_bucket.logs",
              "check_result": {"evaluated_keys": ["resource_type", "logging"]}}
    finding = checkov.to_finding(record, PlanExport("p", "dev", {}), checkov.CheckovOptions())
    assert finding.message == ("aws_s3_bucket.logs (aws_s3_bucket.logs): Ensure access logging "
                               "[checkov looked at: logging, resource_type]")
    assert finding.enforcement is Enforcement.ADVISORY and finding.source == "checkov"


def test_resource_count_mismatch_is_an_error(tmp_path: Path) -> None:
    fake = tmp_path / "checkov"  # reports scanning 1 resource, whatever the plan holds
    fake.write_text("#!/bin/sh\necho '{\"summary\": {\"resource_count\": 1}, \"results\": {}}'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(checkov.CheckovError, match="scanned 1 resources of the 8 exported"):
        checkov.scan([run_stack(PROGRAMS / "plain-aws", "dev")],
                     checkov.CheckovOptions(executable=str(fake)))


def test_a_check_that_fails_to_load_is_an_error(broken_checks_scan: Any) -> None:
    """checkov logs an external check that fails to import and goes on without it: drkit
    stops, naming the file and the error."""
    error = broken_checks_scan
    assert error is not None, "checkov's load error went unnoticed"
    assert f"Cannot load external check '{BROKEN_CHECK[:-3]}'" in str(error)
    assert "No module named 'policies.checkov.no_such_adapter'" in str(error)


def test_missing_checkov_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(checkov.ENV_EXECUTABLE, "/nonexistent/checkov")
    with pytest.raises(checkov.CheckovError, match="no such executable"):
        checkov.find_checkov()
    monkeypatch.delenv(checkov.ENV_EXECUTABLE)
    monkeypatch.setattr(locate.shutil, "which", lambda _name: None)
    monkeypatch.setattr(locate, "VENV", ".venv-checkov-absent")
    with pytest.raises(checkov.CheckovError, match="make setup"):
        checkov.find_checkov()


def test_drkit_checks_take_a_typed_intent(typed_intent_run: Any) -> None:
    """The adapter parses DRKIT_RESIDENCY with the one drkit:residency parser, and its callers
    can hand it a typed intent instead (no environment-variable mini-format in between)."""
    done = typed_intent_run
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
