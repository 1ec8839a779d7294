"""The offline engine on programs written without drkit: computed outputs, data sources,
StackReferences, errors, and isolation between runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from drkit.engine.runner import Engine, run_stack
from drkit_core.errors import ProgramError, ProjectError
from drkit_core.graph import StackRun
from drkit_core.project import Project

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"


def one(run: StackRun, token: str) -> dict:
    (resource,) = run.of_type(token)
    return resource.to_json()


def test_plain_aws_program_runs_with_computed_outputs_and_data_sources() -> None:
    run = run_stack(PROGRAMS / "plain-aws", "dev")
    types = [r.type for r in run.resources]
    assert types.count("aws:route53/record:Record") == 1
    assert {"aws:lb/loadBalancer:LoadBalancer", "aws:acm/certificate:Certificate",
            "aws:rds/instance:Instance", "aws:s3/bucketPolicy:BucketPolicy"} <= set(types)
    assert run.outputs["url"].startswith("https://") and ".us-east-1.elb.amazonaws.com" in \
        run.outputs["url"]
    assert run.outputs["azCount"] >= 2
    assert run.outputs["dbHost"].endswith(".us-east-1.rds.amazonaws.com")
    # The IAM policy document was rendered from the statements, with the bucket's ARN in it.
    statement = run.outputs["policy"]["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    bucket = one(run, "aws:s3/bucket:Bucket")
    assert bucket["inputs"]["bucket"] == "logs-123456789012"
    # Default provider: region from aws:region config, provider recorded as None.
    assert all(r.region == "us-east-1" for r in run.resources if r.type.startswith("aws:"))
    assert all(r.provider is None for r in run.resources)


def test_certificate_validation_record_uses_computed_nested_outputs() -> None:
    run = run_stack(PROGRAMS / "plain-aws", "dev")
    record = one(run, "aws:route53/record:Record")["inputs"]
    assert record["type"] == "CNAME"
    assert record["name"].startswith("_") and record["records"]
    assert record["zoneId"].startswith("Z")


def test_dependencies_are_rebuilt() -> None:
    run = run_stack(PROGRAMS / "plain-aws", "dev")
    bucket = next(r for r in run.resources if r.type == "aws:s3/bucket:Bucket")
    policy = next(r for r in run.resources if r.type == "aws:s3/bucketPolicy:BucketPolicy")
    assert bucket.urn in policy.dependencies
    listener = next(r for r in run.resources if r.type == "aws:lb/listener:Listener")
    needed = {r.urn for r in run.resources if r.type in (
        "aws:lb/loadBalancer:LoadBalancer", "aws:acm/certificate:Certificate",
        "aws:lb/targetGroup:TargetGroup")}
    assert needed <= set(listener.dependencies)
    assert listener.inputs["loadBalancerArn"].startswith("arn:aws:elasticloadbalancing:us-east-1:")


def test_ids_are_unique_and_deterministic() -> None:
    first = run_stack(PROGRAMS / "plain-aws", "dev")
    second = run_stack(PROGRAMS / "plain-aws", "dev")
    ids = [r.id for r in first.resources]
    assert len(set(ids)) == len(ids)
    assert sorted(ids) == sorted(r.id for r in second.resources)  # type: ignore[type-var]
    assert first.outputs == second.outputs


def test_secrets_are_placeholders() -> None:
    run = run_stack(PROGRAMS / "plain-aws", "dev")
    db = one(run, "aws:rds/instance:Instance")
    assert db["inputs"]["password"] == "drkit-offline-secret"
    assert db["secretInputs"] == ["password"]


def test_plain_gcp_program() -> None:
    run = run_stack(PROGRAMS / "plain-gcp", "dev")
    sql = one(run, "gcp:sql/databaseInstance:DatabaseInstance")
    assert sql["inputs"]["settings"]["availabilityType"] == "REGIONAL"
    assert sql["region"] == "europe-west1"
    assert one(run, "gcp:storage/bucket:Bucket")["region"] == "EU"
    vm = one(run, "gcp:compute/instance:Instance")
    assert vm["inputs"]["zone"].startswith("europe-west1-")
    assert vm["region"] == "europe-west1"
    assert run.outputs["connection"].startswith("acme-prod:europe-west1:")
    ip = run.outputs["ip"].split(".")
    assert len(ip) == 4 and all(part.isdigit() for part in ip)


def test_stack_references_resolve_from_the_referenced_stack() -> None:
    engine = Engine(Project.load(PROGRAMS / "refs"))
    app = engine.run("app")
    base = engine.run("base")
    assert app.outputs["readsFrom"] == base.outputs["bucketArn"]
    policy = one(app, "aws:iam/policy:Policy")
    assert base.outputs["bucketArn"] + "/*" in policy["inputs"]["policy"]
    # The local module was imported afresh for each stack (its import-time state differs).
    assert base.outputs["bucketName"] == "data-base"
    reference = one(app, "pulumi:pulumi:StackReference")
    assert reference["inputs"]["name"] == "organization/refs/base"


def test_reference_to_another_project_is_a_clear_error() -> None:
    with pytest.raises(ProjectError, match="StackReference 'other-project/prod' names project "
                                           "'other-project'"):
        run_stack(PROGRAMS / "refs", "stranger")


def test_reference_cycle_is_reported() -> None:
    with pytest.raises(ProjectError, match="StackReferences form a cycle: a -> b -> a"):
        run_stack(PROGRAMS / "cycle", "a")


@pytest.mark.parametrize(("stack", "line"), [("toplevel", 10), ("apply", 10)])
def test_program_errors_name_the_file_and_line(stack: str, line: int) -> None:
    with pytest.raises(ProgramError) as raised:
        run_stack(PROGRAMS / "broken", stack)
    message = str(raised.value)
    assert message.startswith(f"__main__.py:{line}: ValueError: size ")
    assert "raise ValueError" in message


def test_logged_errors_fail_the_run() -> None:
    with pytest.raises(ProgramError, match="quota exceeded for bucket b"):
        run_stack(PROGRAMS / "broken", "logged")


def test_a_failed_run_does_not_leak_into_the_next() -> None:
    with pytest.raises(ProgramError):
        run_stack(PROGRAMS / "broken", "apply")
    run = run_stack(PROGRAMS / "refs", "base")
    assert [r.type for r in run.resources] == ["aws:s3/bucket:Bucket"]
    assert run.resources[0].urn == "urn:pulumi:base::refs::aws:s3/bucket:Bucket::data"
    assert run.resources[0].parent == "urn:pulumi:base::refs::pulumi:pulumi:Stack::refs-base"


def test_inventory_json_shape() -> None:
    run = run_stack(PROGRAMS / "refs", "base")
    data = json.loads(json.dumps(run.to_json()))
    assert data["project"] == "refs" and data["stack"] == "base"
    (item,) = data["resources"]
    assert {"urn", "type", "name", "custom", "region", "inputs", "parent",
            "dependencies"} <= set(item)
    assert item["parent"] == "urn:pulumi:base::refs::pulumi:pulumi:Stack::refs-base"
    assert item["region"] == "eu-west-1"


def test_gcp_values_follow_the_explicit_provider(write_program: Callable[..., Path]) -> None:
    project = write_program('''
        import pulumi
        import pulumi_gcp as gcp

        west4 = gcp.Provider("west4", project="acme-dr", region="europe-west4")
        opts = pulumi.ResourceOptions(provider=west4)
        db = gcp.sql.DatabaseInstance("db", database_version="POSTGRES_16",
                                      settings={"tier": "db-f1-micro"}, opts=opts)
        group = gcp.compute.RegionInstanceGroupManager(
            "web", base_instance_name="web", region="europe-west4",
            versions=[{"instance_template": "tpl"}], opts=opts)
        me = gcp.organizations.get_project(opts=pulumi.InvokeOptions(provider=west4))
        pulumi.export("connection", db.connection_name)
        pulumi.export("group", group.instance_group)
        pulumi.export("projectId", me.project_id)
    ''', {"gcp:project": "acme-prod"})
    run = run_stack(project, "test")
    assert run.outputs["connection"].startswith("acme-dr:europe-west4:")
    assert run.outputs["group"].startswith(
        "https://www.googleapis.com/compute/v1/projects/acme-dr/regions/europe-west4/"
        "instanceGroups/")
    assert run.outputs["projectId"] == "acme-dr"


def test_fast_state_serialization_equals_the_sdks() -> None:
    """The recorder builds the wire form of plain-JSON states itself (for speed); it must be
    exactly what pulumi's serialize_properties makes, on every state of a real stack."""
    import asyncio

    from google.protobuf import json_format
    from pulumi.runtime import rpc

    from drkit.engine.recorder import serialize_state

    run = run_stack(Path(__file__).parent.parent / "stacks" / "aws-warm-standby", "primary")
    loop = asyncio.new_event_loop()
    try:
        for resource in run.resources:
            if resource.custom and not resource.read:
                sdk = loop.run_until_complete(rpc.serialize_properties(resource.outputs, {}))
                ours = serialize_state(resource.outputs)
                assert json_format.MessageToDict(ours) == json_format.MessageToDict(sdk), \
                    resource.urn
    finally:
        loop.close()
