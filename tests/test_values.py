"""Provider-computed values for offline runs: ids, resource state and invoke results."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime import settings

from drkit.engine import values

EU_WEST = values.Context(region="eu-west-1")


def urn(token: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::shop::{token}::{name}"


def create(token: str, name: str, inputs: dict[str, Any],
           ctx: values.Context = EU_WEST) -> tuple[str, dict[str, Any]]:
    """What the mock does on a registration: the id, then the state."""
    pid = values.physical_id(token, name, urn(token, name), inputs, ctx)
    return pid, values.resource_state(token, name, urn(token, name), inputs, pid, ctx)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) in a JSON-like tree, dict keys included as paths."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


# -- physical ids ---------------------------------------------------------------------------


def test_ids_are_deterministic_across_processes() -> None:
    token, inputs = "aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"}
    here = values.physical_id(token, "main", urn(token, "main"), inputs, EU_WEST)
    script = ("from drkit.engine import values as v;"
              f"print(v.physical_id({token!r}, 'main', {urn(token, 'main')!r}, {inputs!r},"
              " v.Context('eu-west-1')))")
    there = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                           text=True).stdout.strip()
    assert here == there
    assert re.fullmatch(r"vpc-0[0-9a-f]{16}", here)


def test_ids_are_unique_across_urns() -> None:
    tokens = ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:s3/bucket:Bucket",
              "aws:lb/loadBalancer:LoadBalancer", "aws:iam/role:Role", "aws:kms/key:Key",
              "aws:s3/bucketPolicy:BucketPolicy", "gcp:compute/network:Network",
              "gcp:sql/databaseInstance:DatabaseInstance", "pulumi:providers:aws"]
    ids = [values.physical_id(token, name, urn(token, name, stack), {}, EU_WEST)
           for token in tokens for name in ("a", "b") for stack in ("dev", "prod")]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("token", "pattern"), [
    ("aws:ec2/subnet:Subnet", r"subnet-0[0-9a-f]{16}"),
    ("aws:ec2/securityGroup:SecurityGroup", r"sg-0[0-9a-f]{16}"),
    ("aws:ec2/internetGateway:InternetGateway", r"igw-0[0-9a-f]{16}"),
    ("aws:ec2/natGateway:NatGateway", r"nat-0[0-9a-f]{16}"),
    ("aws:ec2/routeTable:RouteTable", r"rtb-0[0-9a-f]{16}"),
    ("aws:ec2/eip:Eip", r"eipalloc-0[0-9a-f]{16}"),
    ("aws:ec2/launchTemplate:LaunchTemplate", r"lt-0[0-9a-f]{16}"),
    ("aws:ec2/instance:Instance", r"i-0[0-9a-f]{16}"),
    ("aws:kms/key:Key", r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"),
    ("aws:route53/zone:Zone", r"Z[A-Z0-9]{13}"),
    ("pulumi:providers:aws", r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"),
    ("gcp:compute/subnetwork:Subnetwork",
     r"projects/drkit-offline/regions/eu-west-1/subnetworks/app-[0-9a-f]{8}"),
    ("gcp:compute/globalAddress:GlobalAddress",
     r"projects/drkit-offline/global/addresses/app-[0-9a-f]{8}"),
])
def test_ids_are_shaped_like_the_real_thing(token: str, pattern: str) -> None:
    assert re.fullmatch(pattern, values.physical_id(token, "app", urn(token, "app"), {}, EU_WEST))


def test_named_resources_use_their_name_input() -> None:
    assert create("aws:rds/instance:Instance", "db", {"identifier": "orders"})[0] == "orders"
    assert create("aws:s3/bucket:Bucket", "logs", {"bucket": "acme-logs"})[0] == "acme-logs"
    # A bucket policy names its bucket, but is not the bucket: its id must not collide.
    assert create("aws:s3/bucketPolicy:BucketPolicy", "logs", {"bucket": "acme-logs"})[0] \
        != "acme-logs"
    unnamed = create("aws:sns/topic:Topic", "alerts", {})[0]
    assert re.fullmatch(r"arn:aws:sns:eu-west-1:123456789012:alerts-[0-9a-f]{8}", unnamed)


# -- resource state -------------------------------------------------------------------------


def test_rds_instance_state_keeps_inputs_and_computes_endpoint() -> None:
    inputs = {"engine": "postgres", "identifier": "orders", "instanceClass": "db.t4g.micro",
              "allocatedStorage": 20.0, "tags": {"team": "shop"}}
    _, state = create("aws:rds/instance:Instance", "db", inputs)
    assert {k: state[k] for k in inputs} == inputs
    assert re.fullmatch(r"orders\.[0-9a-z]{12}\.eu-west-1\.rds\.amazonaws\.com", state["address"])
    assert state["endpoint"] == state["address"] + ":5432"
    assert state["port"] == 5432
    assert state["arn"] == "arn:aws:rds:eu-west-1:123456789012:db:orders"
    assert state["tagsAll"] == {"team": "shop"}
    assert state["region"] == "eu-west-1"
    assert "id" not in state
    assert all(v is not None for _, v in walk(state))
    mysql = create("aws:rds/instance:Instance", "db2", {"engine": "mysql"})[1]
    assert mysql["endpoint"].endswith(":3306")


def test_alb_state() -> None:
    pid, state = create("aws:lb/loadBalancer:LoadBalancer", "web",
                        {"name": "web", "loadBalancerType": "application"})
    assert re.fullmatch(r"web-\d{1,10}\.eu-west-1\.elb\.amazonaws\.com", state["dnsName"])
    assert pid == state["arn"]
    assert re.fullmatch(r"arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                        r"loadbalancer/app/web/[0-9a-f]{16}", state["arn"])
    assert state["arnSuffix"] == state["arn"].split("loadbalancer/")[1]
    assert re.fullmatch(r"Z[A-Z0-9]{13}", state["zoneId"])
    assert state["enableDeletionProtection"] is False
    internal = create("aws:lb/loadBalancer:LoadBalancer", "api",
                      {"name": "api", "internal": True})[1]
    assert internal["dnsName"].startswith("internal-api-")


def test_listener_arn_sits_under_its_load_balancer() -> None:
    lb_arn = create("aws:lb/loadBalancer:LoadBalancer", "web", {"name": "web"})[1]["arn"]
    pid, _ = create("aws:lb/listener:Listener", "https", {"loadBalancerArn": lb_arn})
    assert pid.startswith(lb_arn.replace(":loadbalancer/", ":listener/") + "/")


def test_s3_bucket_state() -> None:
    _, state = create("aws:s3/bucket:Bucket", "logs", {"bucket": "acme-logs"})
    assert state["arn"] == "arn:aws:s3:::acme-logs"
    assert state["bucketRegionalDomainName"] == "acme-logs.s3.eu-west-1.amazonaws.com"
    assert state["bucketDomainName"] == "acme-logs.s3.amazonaws.com"


def test_read_uses_the_id_it_was_given() -> None:
    token = "aws:s3/bucket:Bucket"
    state = values.resource_state(token, "old", urn(token, "old"), {}, "legacy-data", EU_WEST)
    assert state["bucket"] == "legacy-data" and state["arn"] == "arn:aws:s3:::legacy-data"


def test_acm_certificate_has_one_validation_option_per_domain() -> None:
    _, state = create("aws:acm/certificate:Certificate", "web", {
        "domainName": "shop.example.com", "validationMethod": "DNS",
        "subjectAlternativeNames": ["*.shop.example.com", "shop.example.com", "api.example.com"]})
    options = state["domainValidationOptions"]
    assert [o["domainName"] for o in options] == [
        "shop.example.com", "*.shop.example.com", "api.example.com"]
    for option in options:
        assert option["resourceRecordType"] == "CNAME"
        base = option["domainName"].removeprefix("*.")
        assert re.fullmatch(rf"_[0-9a-f]{{32}}\.{re.escape(base)}\.",
                            option["resourceRecordName"])
        assert option["resourceRecordValue"].endswith(".acm-validations.aws.")
    assert len({o["resourceRecordName"] for o in options}) == 3
    assert state["arn"].startswith("arn:aws:acm:eu-west-1:123456789012:certificate/")


def test_nested_outputs_are_camel_case_plain_json() -> None:
    _, state = create("aws:ec2/launchTemplate:LaunchTemplate", "app", {})
    assert isinstance(state["metadataOptions"], dict)
    assert "httpTokens" in state["metadataOptions"]
    assert state["latestVersion"] == 1
    _, sql = create("gcp:sql/databaseInstance:DatabaseInstance", "db", {})
    assert "backupConfiguration" in sql["settings"]
    for tree in (state, sql):
        json.dumps(tree)  # plain JSON types only
        for path, value in walk(tree):
            assert value is not None, path
            assert "_" not in path.rsplit(".", 1)[-1].split("[")[0], path


def test_gcp_cloud_sql_and_global_address() -> None:
    gcp = values.Context(region="europe-west1", gcp_project="acme-prod")
    pid, sql = create("gcp:sql/databaseInstance:DatabaseInstance", "db",
                      {"name": "orders", "databaseVersion": "POSTGRES_16"}, gcp)
    assert pid == "projects/acme-prod/instances/orders"
    assert sql["connectionName"] == "acme-prod:europe-west1:orders"
    assert sql["selfLink"] == \
        "https://sqladmin.googleapis.com/sql/v1beta4/projects/acme-prod/instances/orders"
    ipaddress.ip_address(sql["ipAddresses"][0]["ipAddress"])
    _, address = create("gcp:compute/globalAddress:GlobalAddress", "web", {"name": "web"}, gcp)
    assert ipaddress.ip_address(address["address"]) in ipaddress.ip_network("203.0.113.0/24")
    assert address["selfLink"] == \
        "https://www.googleapis.com/compute/v1/projects/acme-prod/global/addresses/web"
    _, network = create("gcp:compute/network:Network", "vpc", {"name": "vpc"}, gcp)
    assert network["selfLink"].endswith("/projects/acme-prod/global/networks/vpc")


def test_unknown_tokens() -> None:
    inputs = {"length": 16.0}
    pid, state = create("nosuch:index/randomThing:RandomThing", "pw", inputs)
    assert state == inputs and pid.startswith("pw-")
    assert values.invoke_result("nosuch:index/getThing:getThing", {"a": 1}, EU_WEST) == {}
    assert values.invoke_result("aws:ec2/getNoSuchThing:getNoSuchThing", {"a": 1},
                                EU_WEST) == {"a": 1}


# -- invokes --------------------------------------------------------------------------------


def test_get_availability_zones_in_frankfurt() -> None:
    result = values.invoke_result("aws:index/getAvailabilityZones:getAvailabilityZones",
                                  {"state": "available"}, values.Context("eu-central-1"))
    assert result["names"] == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    assert result["zoneIds"] == ["euc1-az1", "euc1-az2", "euc1-az3"]
    assert result["state"] == "available" and result["id"] == "eu-central-1"


def test_common_aws_invokes() -> None:
    me = values.invoke_result("aws:index/getCallerIdentity:getCallerIdentity", {}, EU_WEST)
    assert me["accountId"] == "123456789012" and ":sts::123456789012:" in me["arn"]
    ami = values.invoke_result("aws:ec2/getAmi:getAmi", {"mostRecent": True, "owners": ["amazon"],
                               "filters": [{"name": "name", "values": ["al2023-ami-*"]}]},
                               EU_WEST)
    assert re.fullmatch(r"ami-[0-9a-f]{17}", ami["id"]) and ami["architecture"] == "x86_64"
    assert ami["name"].startswith("al2023-ami-")
    param = values.invoke_result("aws:ssm/getParameter:getParameter", {
        "name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"}, EU_WEST)
    assert param["value"].startswith("ami-")
    zone = values.invoke_result("aws:route53/getZone:getZone", {"name": "example.com."}, EU_WEST)
    assert zone["name"] == "example.com" and zone["zoneId"].startswith("Z")
    subnets = values.invoke_result("aws:ec2/getSubnets:getSubnets", {}, EU_WEST)
    assert len(subnets["ids"]) == 3 and all(i.startswith("subnet-") for i in subnets["ids"])
    elb = values.invoke_result("aws:elb/getServiceAccount:getServiceAccount", {}, EU_WEST)
    assert elb["arn"] == "arn:aws:iam::156460612806:root"
    policy = values.invoke_result("aws:iam/getPolicyDocument:getPolicyDocument", {}, EU_WEST)
    assert json.loads(policy["json"]) == {"Version": "2012-10-17", "Statement": []}


def test_data_sources_read_like_the_resource_they_look_up() -> None:
    role = values.invoke_result("aws:iam/getRole:getRole", {"name": "ops"}, EU_WEST)
    assert role["arn"] == "arn:aws:iam::123456789012:role/ops" and role["id"] == "ops"
    lb = values.invoke_result("aws:lb/getLoadBalancer:getLoadBalancer", {"name": "web"}, EU_WEST)
    assert lb["arn"] == lb["id"] and ":loadbalancer/app/web/" in lb["arn"]
    assert lb["dnsName"].endswith(".eu-west-1.elb.amazonaws.com")
    assert all(value is not None for _, value in walk(lb))


def test_common_gcp_invokes() -> None:
    gcp = values.Context(region="europe-west1", gcp_project="acme-prod")
    zones = values.invoke_result("gcp:compute/getZones:getZones", {}, gcp)
    assert zones["names"] == ["europe-west1-a", "europe-west1-b", "europe-west1-c"]
    project = values.invoke_result("gcp:organizations/getProject:getProject", {}, gcp)
    assert project["projectId"] == "acme-prod" and project["number"].isdigit()
    gcs = values.invoke_result("gcp:storage/getProjectServiceAccount:getProjectServiceAccount",
                               {}, gcp)
    assert gcs["emailAddress"] == \
        f"service-{project['number']}@gs-project-accounts.iam.gserviceaccount.com"
    ranges = values.invoke_result("gcp:compute/getNetblockIPRanges:getNetblockIPRanges",
                                  {"rangeType": "health-checkers"}, gcp)
    assert ranges["cidrBlocksIpv4s"] == ["35.191.0.0/16", "130.211.0.0/22"]


POLICY_STATEMENTS: list[Any] = [
    {"sid": "OrgRead", "effect": "Allow", "actions": ["s3:GetObject", "s3:ListBucket"],
     "resources": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
     "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root"]}],
     "conditions": [{"test": "StringEquals", "variable": "aws:PrincipalOrgID",
                     "values": ["o-abc123"]}]},
    {"sid": "DenyInsecure", "effect": "Deny", "actions": ["s3:*"],
     "resources": ["arn:aws:s3:::data/*"], "principals": [{"type": "*", "identifiers": ["*"]}],
     "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]},
    {"actions": ["sts:AssumeRole"],
     "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]},
                    {"type": "Service", "identifiers": ["lambda.amazonaws.com"]}]},
]
EXPECTED_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "OrgRead", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
     "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
    {"Sid": "DenyInsecure", "Effect": "Deny", "Action": "s3:*",
     "Resource": "arn:aws:s3:::data/*", "Principal": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Effect": "Allow", "Action": "sts:AssumeRole",
     "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}},
]}


def test_policy_document_renders_iam_json() -> None:
    result = values.invoke_result("aws:iam/getPolicyDocument:getPolicyDocument",
                                  {"statements": POLICY_STATEMENTS}, EU_WEST)
    assert json.loads(result["json"]) == EXPECTED_POLICY
    assert json.loads(result["minifiedJson"]) == EXPECTED_POLICY
    assert " " not in result["minifiedJson"]


def test_policy_document_override_replaces_statement_by_sid() -> None:
    override = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecure", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
    result = values.invoke_result("aws:iam/getPolicyDocument:getPolicyDocument",
                                  {"statements": POLICY_STATEMENTS,
                                   "overridePolicyDocuments": [override]}, EU_WEST)
    statements = json.loads(result["json"])["Statement"]
    assert [s.get("Sid") for s in statements] == ["OrgRead", "DenyInsecure", None]
    assert statements[1]["Resource"] == "*"


# -- end to end under Pulumi's own mocks ----------------------------------------------------


class ValueMocks(pulumi.runtime.Mocks):
    """The smallest mock that delegates to drkit.engine.values."""

    ctx = values.Context(region="eu-west-1")

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        resource_urn = urn(args.typ, args.name, "test")
        pid = values.physical_id(args.typ, args.name, resource_urn, args.inputs, self.ctx)
        state = values.resource_state(args.typ, args.name, resource_urn, args.inputs, pid,
                                      self.ctx)
        return pid, state

    def call(self, args: pulumi.runtime.MockCallArgs
             ) -> tuple[dict, list[tuple[str, str]] | None]:
        return values.invoke_result(args.token, args.args, self.ctx), []


@pytest.fixture
def pulumi_mocks() -> Iterator[None]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config({})
    pulumi.runtime.set_mocks(ValueMocks(), project="shop", stack="test", preview=False)
    try:
        yield
    finally:
        settings.ROOT.set(None)
        pulumi.runtime.set_all_config({})
        loop.close()
        asyncio.set_event_loop(None)


def test_program_under_pulumi_mocks(pulumi_mocks: None) -> None:
    seen: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        azs = aws.get_availability_zones(state="available")
        doc = aws.iam.get_policy_document(statements=POLICY_STATEMENTS)
        lb = aws.lb.LoadBalancer("web", name="web", load_balancer_type="application",
                                 subnets=[f"subnet-{zone}" for zone in azs.names])
        seen["azs"], seen["policy"] = azs.names, json.loads(doc.json)

        def record(args: list[Any]) -> None:
            seen["dns"], seen["arn"], seen["subnets"] = args
        return pulumi.Output.all(lb.dns_name, lb.arn, lb.subnets).apply(record)

    program()
    assert seen["azs"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert seen["policy"] == EXPECTED_POLICY
    assert re.fullmatch(r"web-\d+\.eu-west-1\.elb\.amazonaws\.com", seen["dns"])
    assert seen["arn"].startswith("arn:aws:elasticloadbalancing:eu-west-1:123456789012:")
    assert seen["subnets"] == ["subnet-eu-west-1a", "subnet-eu-west-1b", "subnet-eu-west-1c"]
