"""``drkit export tfplan``: the Terraform-plan shape of recorded stacks (no checkov here; see
tests/test_checkov.py for what checkov makes of it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drkit.cli import main
from drkit.engine.runner import run_stack
from drkit.export.tfplan import PlanExport, export_plan
from drkit_core.graph import StackRun
from drkit_core.naming import identifier, plural, singulars, snake
from drkit_core.tfschema import catalog, to_pulumi, to_terraform

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"
CHECKOV_PROGRAMS = Path(__file__).parent / "fixtures" / "checkov"


@pytest.fixture(scope="module")
def plain_aws() -> PlanExport:
    return export_plan(run_stack(PROGRAMS / "plain-aws", "dev"))


@pytest.fixture(scope="module")
def plain_gcp() -> PlanExport:
    return export_plan(run_stack(PROGRAMS / "plain-gcp", "dev"))


@pytest.fixture(scope="module")
def fidelity() -> PlanExport:
    return export_plan(run_stack(CHECKOV_PROGRAMS / "fidelity", "test"))


def planned(export: PlanExport) -> dict[str, dict[str, Any]]:
    resources = export.plan["planned_values"]["root_module"]["resources"]
    return {r["address"]: r for r in resources}


def configured(export: PlanExport) -> dict[str, dict[str, Any]]:
    resources = export.plan["configuration"]["root_module"]["resources"]
    return {r["address"]: r for r in resources}


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


@pytest.mark.parametrize("name", ["plain_aws", "plain_gcp", "fidelity"])
def test_values_have_no_nulls_no_whole_floats_and_snake_case_names(
        name: str, request: pytest.FixtureRequest) -> None:
    export: PlanExport = request.getfixturevalue(name)
    assert export.plan["terraform_version"] and export.plan["format_version"]
    for address, resource in planned(export).items():
        assert resource["mode"] == "managed"
        assert address == f"{resource['type']}.{resource['name']}"
        for path, value in walk(resource["values"]):
            assert value is not None, f"{address}{path} is null"
            assert not (isinstance(value, float) and value.is_integer()), f"{address}{path}"
        for key in resource["values"]:
            assert key == key.lower(), f"{address}.{key} is not snake_case"


def test_types_names_and_blocks_as_terraform_writes_them(plain_aws: PlanExport,
                                                         plain_gcp: PlanExport) -> None:
    aws = planned(plain_aws)
    assert set(aws) == {"aws_lb.web", "aws_lb_target_group.web", "aws_acm_certificate.web",
                        "aws_s3_bucket.logs", "aws_s3_bucket_policy.logs", "aws_db_instance.db",
                        "aws_lb_listener.https", "aws_route53_record.web-validation"}
    group = aws["aws_lb_target_group.web"]["values"]
    # A single-item block stays a plain object; a whole number is an int.
    assert group["health_check"] == {"path": "/healthz", "matcher": "200"}
    assert group["port"] == 80 and isinstance(group["port"], int)
    # Pulumi's plural list block is Terraform's singular one.
    listener = aws["aws_lb_listener.https"]["values"]
    assert "default_actions" not in listener and listener["default_action"] == [{"type": "forward"}]
    assert aws["aws_db_instance.db"]["values"]["instance_class"] == "db.t4g.micro"
    gcp = planned(plain_gcp)
    instance = gcp["google_compute_instance.worker"]["values"]
    assert instance["network_interface"] == [{"network": "default"}]
    assert instance["boot_disk"] == {"initialize_params": {"image": "debian-cloud/debian-12"}}
    sql = gcp["google_sql_database_instance.db"]["values"]
    assert sql["settings"]["availability_type"] == "REGIONAL"
    assert sql["settings"]["backup_configuration"]["point_in_time_recovery_enabled"] is True
    assert sql["region"] == "europe-west1"


def test_references_rebuilt_from_recorded_dependencies(plain_aws: PlanExport,
                                                       fidelity: PlanExport) -> None:
    config = configured(plain_aws)
    policy = config["aws_s3_bucket_policy.logs"]["expressions"]
    assert policy["bucket"] == {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}
    # The value a reference stands for is unknown until apply, as in a real plan.
    assert "bucket" not in planned(plain_aws)["aws_s3_bucket_policy.logs"]["values"]
    # A policy computed from the bucket's ARN keeps its value and records the reference.
    assert "policy" in planned(plain_aws)["aws_s3_bucket_policy.logs"]["values"]
    assert policy["policy"]["references"][-1] == "aws_s3_bucket.logs"
    listener = config["aws_lb_listener.https"]["expressions"]
    assert listener["load_balancer_arn"]["references"][0] == "aws_lb.web.arn"
    assert listener["default_action"] == [{"target_group_arn": {
        "references": ["aws_lb_target_group.web.arn", "aws_lb_target_group.web"]}}]

    fid = configured(fidelity)
    versioning = fid["aws_s3_bucket_versioning.pass_replicated"]["expressions"]
    assert versioning["bucket"]["references"][0] == "aws_s3_bucket.pass_replicated.id"
    replication = fid["aws_s3_bucket_replication_configuration.pass_replicated"]
    assert replication["expressions"]["bucket"]["references"][0] == \
        "aws_s3_bucket.pass_replicated.id"
    assert replication["expressions"]["role"]["references"][0] == "aws_iam_role.replication.arn"
    rule = replication["expressions"]["rule"][0]
    assert rule["destination"] == [{"bucket": {"references": ["aws_s3_bucket.replica.arn",
                                                              "aws_s3_bucket.replica"]}}]
    # depends_on that is not an input reference is kept.
    assert replication["depends_on"] == ["aws_s3_bucket_versioning.pass_replicated"]
    # The single-item block holding a reference is a one-item list (checkov carries references
    # into blocks only through lists); the rest of the block's values are there.
    values = planned(fidelity)["aws_s3_bucket_replication_configuration.pass_replicated"]
    assert values["values"]["rule"][0]["destination"] == [{"storage_class": "STANDARD"}]


def test_metadata_maps_addresses_back_to_pulumi(plain_aws: PlanExport) -> None:
    meta = plain_aws.plan["drkit"]
    assert meta["stack"] == "dev" and meta["unmapped"] == []
    db = meta["resources"]["aws_db_instance.db"]
    assert db["type"] == "aws:rds/instance:Instance" and db["name"] == "db"
    assert db["source"]["file"].endswith("__main__.py") and db["source"]["line"] > 0
    assert plain_aws.resources["aws_db_instance.db"].resource.urn == db["urn"]


def test_providers_components_reads_skipped_unmapped_listed_and_names_deduplicated(
        write_program: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = write_program('''
        import pulumi
        import pulumi_aws as aws

        class Pair(pulumi.ComponentResource):
            def __init__(self, name, opts=None):
                super().__init__("test:index:Pair", name, None, opts)
                aws.s3.Bucket("data", opts=pulumi.ResourceOptions(parent=self))

        west = aws.Provider("west", region="us-west-2")
        Pair("one")
        aws.s3.Bucket("data")  # the same name outside the component: another URN
        aws.s3.Bucket("9 lives", opts=pulumi.ResourceOptions(provider=west))
        aws.ec2.PlacementGroup("spread", strategy="spread")
        aws.s3.Bucket.get("existing", "existing-bucket")
    ''', {"aws:region": "eu-west-1"})
    out = tmp_path / "plan.json"
    assert main(["export", "tfplan", str(project), "--stack", "test", "-o", str(out)]) == 0
    plan = json.loads(out.read_text())
    regions = {r["address"]: r["values"]["region"]
               for r in plan["planned_values"]["root_module"]["resources"]}
    assert regions == {"aws_s3_bucket.data": "eu-west-1", "aws_s3_bucket.data_2": "eu-west-1",
                       "aws_s3_bucket._9_lives": "us-west-2"}
    assert [u["type"] for u in plan["drkit"]["unmapped"]] == [
        "aws:ec2/placementGroup:PlacementGroup"]
    err = capsys.readouterr().err
    assert "aws:ec2/placementGroup:PlacementGroup (spread)" in err and "warning" in err


def test_export_is_deterministic(plain_aws: PlanExport) -> None:
    again = export_plan(run_stack(PROGRAMS / "plain-aws", "dev"))
    assert again.to_json() == plain_aws.to_json()


def test_round_trip_of_the_components_inputs(fidelity: PlanExport) -> None:
    run: StackRun = run_stack(CHECKOV_PROGRAMS / "fidelity", "test")
    for resource in run.resources:
        mapping = catalog().for_token(resource.type)
        if mapping is None or not resource.custom:
            continue
        values, _ = to_terraform(resource.inputs, mapping.root)
        assert to_pulumi(values, mapping.root) == resource.inputs, resource.type


def test_checkov_style_wrapped_values_map_back() -> None:
    mapping = catalog().for_terraform("aws_backup_plan")
    assert mapping is not None and mapping.token == "aws:backup/plan:Plan"
    conf = {"name": ["daily"], "region": ["eu-west-1"], "__address__": "aws_backup_plan.p",
            "rule": [{"rule_name": ["r"], "copy_action": [
                {"destination_vault_arn": ["arn:aws:backup:eu-central-1:1:backup-vault:dr"],
                 "lifecycle": [{"delete_after": [35]}]}]}],
            "tags": [{"team": ["dr"]}]}
    assert to_pulumi(conf, mapping.root, wrapped=True) == {
        "name": "daily", "region": "eu-west-1", "tags": {"team": "dr"},
        "rules": [{"ruleName": "r", "copyActions": [{
            "destinationVaultArn": "arn:aws:backup:eu-central-1:1:backup-vault:dr",
            "lifecycle": {"deleteAfter": 35}}]}]}


def test_naming() -> None:
    assert snake("versioningConfiguration") == "versioning_configuration"
    assert snake("ipv6CidrBlock") == "ipv6_cidr_block"
    assert [plural(w) for w in ("rule", "policy", "address", "alias", "cors", "metadata")] == \
        ["rules", "policies", "addresses", "aliases", "cors", "metadatas"]
    assert "lifecycle_rule" in singulars("lifecycle_rules")
    assert identifier("web-validation") == "web-validation"
    assert identifier("my app.v2") == "my_app_v2"
    assert identifier("1st") == "_1st"
