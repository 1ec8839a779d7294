"""Plausible provider-computed values for programs run offline under Pulumi's mocks.

A real provider computes ids, ARNs, endpoints, DNS names, certificate data and so on; programs
read them (``lb.dns_name.apply(...)``, ``cert.domain_validation_options[0]...``) and break or
silently get ``None`` when a mock leaves them out. This module fills them in from the provider
SDK itself: the resource class (or an invoke's result class) named by the token lists every
output property with its wire name and Python type, and each property gets a value shaped like
the real one.

Everything is derived from a sha256 of the resource's URN (or of an invoke's token and args), so
two runs of the same program produce the same ids and values, in any process. Per-token work
(importing the SDK module, reading type hints, choosing a generator per property) is cached; a
call then only runs one small generator per property.
"""

from __future__ import annotations

import base64
import enum
import functools
import hashlib
import importlib
import importlib.util
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

# -- public API ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """Where a resource or call lives; the account and project go into ARNs and self links."""

    region: str | None
    account_id: str = "123456789012"
    gcp_project: str = "drkit-offline"


def physical_id(token: str, name: str, urn: str, inputs: Mapping[str, Any], ctx: Context) -> str:
    """The id a provider would give this resource: deterministic, unique per URN, real-shaped."""
    s = _Subject(token, name, urn, inputs, "", ctx)
    if token.startswith("pulumi:providers:"):
        return s.uuid
    return _id_for(s) or (s.format(_GCP_FALLBACK_ID) if s.pkg == "gcp" else s.name)


def resource_state(token: str, name: str, urn: str, inputs: Mapping[str, Any],
                   physical_id: str, ctx: Context) -> dict[str, Any]:
    """A copy of ``inputs`` plus a plausible value for every output the provider computes."""
    state = {key: value for key, value in inputs.items() if value is not None}
    if token.startswith("pulumi:providers:"):
        return state
    cls = _resource_class(token)
    if cls is None:
        return state
    s = _Subject(token, name, urn, inputs, physical_id, ctx)
    for wire, generate in _plan(s.pkg, s.mod, cls, 0):
        if wire not in state:
            state[wire] = generate(s)
    return state


def invoke_result(token: str, args: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """The properties an invoke (data source) returns, realistic for the common ones."""
    cls = _function_result_class(token)
    pkg = token.split(":", 1)[0]
    if cls is None:
        return dict(args) if pkg in ("aws", "gcp") else {}
    canonical = json.dumps(args, sort_keys=True, default=str)
    fn = token.rsplit(":", 1)[-1]
    s = _Subject(token, fn, f"{token}?{canonical}", args, "", ctx)
    result: dict[str, Any] = {}
    for wire, generate in _plan(s.pkg, s.mod, cls, 0):
        value = args.get(wire)
        result[wire] = value if value is not None else generate(s)
    special = _INVOKES.get(token.lower())
    if special is not None:
        result.update(special(s))
    return result


def _id_for(s: _Subject) -> str:
    """The id when its shape is known for the type (or the type a data source reads), else ""."""
    template = _ID_TEMPLATES.get(s.mod)
    if template is not None:
        return s.format(template)
    ec2 = _EC2_IDS.get(s.mod)
    return f"{ec2[0]}-0{s.digest[:16]}" if ec2 is not None else ""


# -- constants -------------------------------------------------------------------------------

_TIMESTAMP = "2025-01-01T00:00:00Z"
_MAX_DEPTH = 4
_DEFAULT_REGION = {"aws": "us-east-1", "gcp": "us-central1"}
_AMAZON_AMI_OWNER = "137112412989"

# EC2-family resources: id prefix and the resource kind in their ARN.
_EC2_IDS: dict[str, tuple[str, str]] = {
    "ec2/vpc": ("vpc", "vpc"),
    "ec2/defaultVpc": ("vpc", "vpc"),
    "ec2/subnet": ("subnet", "subnet"),
    "ec2/defaultSubnet": ("subnet", "subnet"),
    "ec2/securityGroup": ("sg", "security-group"),
    "ec2/defaultSecurityGroup": ("sg", "security-group"),
    "ec2/securityGroupRule": ("sgrule", "security-group-rule"),
    "vpc/securityGroupIngressRule": ("sgr", "security-group-rule"),
    "vpc/securityGroupEgressRule": ("sgr", "security-group-rule"),
    "ec2/internetGateway": ("igw", "internet-gateway"),
    "ec2/egressOnlyInternetGateway": ("eigw", "egress-only-internet-gateway"),
    "ec2/natGateway": ("nat", "natgateway"),
    "ec2/routeTable": ("rtb", "route-table"),
    "ec2/defaultRouteTable": ("rtb", "route-table"),
    "ec2/routeTableAssociation": ("rtbassoc", ""),
    "ec2/mainRouteTableAssociation": ("rtbassoc", ""),
    "ec2/route": ("r-rtb", ""),
    "ec2/eip": ("eipalloc", "elastic-ip"),
    "ec2/eipAssociation": ("eipassoc", ""),
    "ec2/launchTemplate": ("lt", "launch-template"),
    "ec2/instance": ("i", "instance"),
    "ec2/spotInstanceRequest": ("sir", "spot-instances-request"),
    "ec2/networkInterface": ("eni", "network-interface"),
    "ec2/networkAcl": ("acl", "network-acl"),
    "ec2/defaultNetworkAcl": ("acl", "network-acl"),
    "ec2/vpcEndpoint": ("vpce", "vpc-endpoint"),
    "ec2/vpcPeeringConnection": ("pcx", "vpc-peering-connection"),
    "ec2/vpcDhcpOptions": ("dopt", "dhcp-options"),
    "ec2/flowLog": ("fl", "vpc-flow-log"),
    "ec2/customerGateway": ("cgw", "customer-gateway"),
    "ec2/vpnGateway": ("vgw", "vpn-gateway"),
    "ec2/vpnConnection": ("vpn", "vpn-connection"),
    "ec2/managedPrefixList": ("pl", "prefix-list"),
    "ec2/ami": ("ami", "image"),
    "ec2/amiCopy": ("ami", "image"),
    "ec2/vpcIpv4CidrBlockAssociation": ("vpc-cidr-assoc", ""),
    "ebs/volume": ("vol", "volume"),
    "ebs/snapshot": ("snap", "snapshot"),
    "ec2transitgateway/transitGateway": ("tgw", "transit-gateway"),
    "ec2transitgateway/vpcAttachment": ("tgw-attach", "transit-gateway-attachment"),
    "ec2transitgateway/routeTable": ("tgw-rtb", "transit-gateway-route-table"),
    "ec2transitgateway/peeringAttachment": ("tgw-attach", "transit-gateway-attachment"),
}

# Physical ids that are not "the name": ARNs, uuids, URLs, composite ids, GCP resource paths.
_ID_TEMPLATES: dict[str, str] = {
    "lb/loadBalancer": "{arn}",
    "lb/targetGroup": "{arn}",
    "lb/listener": "{arn}",
    "lb/listenerRule": "{arn}",
    "alb/loadBalancer": "{arn}",
    "alb/targetGroup": "{arn}",
    "alb/listener": "{arn}",
    "acm/certificate": "{arn}",
    "sns/topic": "{arn}",
    "sns/topicSubscription": "{arn}",
    "iam/policy": "{arn}",
    "secretsmanager/secret": "{arn}",
    "ecs/service": "{arn}",
    "kms/key": "{uuid}",
    "kms/replicaKey": "{uuid}",
    "backup/plan": "{uuid}",
    "backup/selection": "{uuid}",
    "route53/healthCheck": "{uuid}",
    "route53/zone": "{zoneId}",
    "route53/record": "{zoneId}_{name}_{type}",
    "sqs/queue": "https://sqs.{region}.amazonaws.com/{account}/{name}",
    "iam/rolePolicy": "{role}:{name}",
    "cloudfront/distribution": "{distId}",
    "efs/fileSystem": "fs-0{hex16}",
    "compute/network": "projects/{project}/global/networks/{name}",
    "compute/subnetwork": "projects/{project}/regions/{region}/subnetworks/{name}",
    "compute/firewall": "projects/{project}/global/firewalls/{name}",
    "compute/route": "projects/{project}/global/routes/{name}",
    "compute/router": "projects/{project}/regions/{region}/routers/{name}",
    "compute/routerNat": "{project}/{region}/{router}/{name}",
    "compute/address": "projects/{project}/regions/{region}/addresses/{name}",
    "compute/globalAddress": "projects/{project}/global/addresses/{name}",
    "compute/instance": "projects/{project}/zones/{zone}/instances/{name}",
    "compute/instanceTemplate": "projects/{project}/global/instanceTemplates/{name}",
    "compute/regionInstanceTemplate":
        "projects/{project}/regions/{region}/instanceTemplates/{name}",
    "compute/instanceGroup": "projects/{project}/zones/{zone}/instanceGroups/{name}",
    "compute/instanceGroupManager":
        "projects/{project}/zones/{zone}/instanceGroupManagers/{name}",
    "compute/regionInstanceGroupManager":
        "projects/{project}/regions/{region}/instanceGroupManagers/{name}",
    "compute/autoscaler": "projects/{project}/zones/{zone}/autoscalers/{name}",
    "compute/regionAutoscaler": "projects/{project}/regions/{region}/autoscalers/{name}",
    "compute/healthCheck": "projects/{project}/global/healthChecks/{name}",
    "compute/regionHealthCheck": "projects/{project}/regions/{region}/healthChecks/{name}",
    "compute/backendService": "projects/{project}/global/backendServices/{name}",
    "compute/regionBackendService":
        "projects/{project}/regions/{region}/backendServices/{name}",
    "compute/backendBucket": "projects/{project}/global/backendBuckets/{name}",
    "compute/urlMap": "projects/{project}/global/urlMaps/{name}",
    "compute/regionUrlMap": "projects/{project}/regions/{region}/urlMaps/{name}",
    "compute/targetHttpProxy": "projects/{project}/global/targetHttpProxies/{name}",
    "compute/targetHttpsProxy": "projects/{project}/global/targetHttpsProxies/{name}",
    "compute/globalForwardingRule": "projects/{project}/global/forwardingRules/{name}",
    "compute/forwardingRule": "projects/{project}/regions/{region}/forwardingRules/{name}",
    "compute/managedSslCertificate": "projects/{project}/global/sslCertificates/{name}",
    "compute/sslCertificate": "projects/{project}/global/sslCertificates/{name}",
    "compute/securityPolicy": "projects/{project}/global/securityPolicies/{name}",
    "compute/disk": "projects/{project}/zones/{zone}/disks/{name}",
    "compute/regionDisk": "projects/{project}/regions/{region}/disks/{name}",
    "compute/snapshot": "projects/{project}/global/snapshots/{name}",
    "compute/image": "projects/{project}/global/images/{name}",
    "compute/resourcePolicy": "projects/{project}/regions/{region}/resourcePolicies/{name}",
    "compute/networkEndpointGroup":
        "projects/{project}/zones/{zone}/networkEndpointGroups/{name}",
    "compute/regionNetworkEndpointGroup":
        "projects/{project}/regions/{region}/networkEndpointGroups/{name}",
    "sql/databaseInstance": "projects/{project}/instances/{name}",
    "sql/database": "projects/{project}/instances/{instance}/databases/{name}",
    "sql/user": "{name}/{host}/{instance}",
    "storage/bucket": "{name}",
    "storage/bucketObject": "{bucket}-{name}",
    "kms/keyRing": "projects/{project}/locations/{location}/keyRings/{name}",
    "kms/cryptoKey": "{keyRing}/cryptoKeys/{name}",
    "serviceaccount/account": "projects/{project}/serviceAccounts/{email}",
    "pubsub/topic": "projects/{project}/topics/{name}",
    "pubsub/subscription": "projects/{project}/subscriptions/{name}",
    "dns/managedZone": "projects/{project}/managedZones/{name}",
    "dns/recordSet": "projects/{project}/managedZones/{managedZone}/rrsets/{name}/{type}",
    "container/cluster": "projects/{project}/locations/{location}/clusters/{name}",
    "container/nodePool":
        "projects/{project}/locations/{location}/clusters/{cluster}/nodePools/{name}",
    "cloudrunv2/service": "projects/{project}/locations/{location}/services/{name}",
    "cloudrun/service": "locations/{location}/namespaces/{project}/services/{name}",
    "cloudfunctionsv2/function": "projects/{project}/locations/{location}/functions/{name}",
    "redis/instance": "projects/{project}/locations/{region}/instances/{name}",
    "filestore/instance": "projects/{project}/locations/{location}/instances/{name}",
    "secretmanager/secret": "projects/{project}/secrets/{name}",
    "secretmanager/secretVersion": "{secret}/versions/1",
    "alloydb/cluster": "projects/{project}/locations/{location}/clusters/{name}",
    "artifactregistry/repository":
        "projects/{project}/locations/{location}/repositories/{name}",
    "projects/service": "{project}/{service}",
}
_GCP_FALLBACK_ID = "projects/{project}/{kind}/{name}"

# The input that holds a resource's own name, when it is not ``name``.
_NAME_KEYS: dict[str, str] = {
    "s3/bucket": "bucket",
    "s3/bucketV2": "bucket",
    "rds/instance": "identifier",
    "rds/clusterInstance": "identifier",
    "rds/cluster": "clusterIdentifier",
    "rds/globalCluster": "globalClusterIdentifier",
    "elasticache/replicationGroup": "replicationGroupId",
    "elasticache/cluster": "clusterId",
    "lambda/function": "name",
    "ec2/keyPair": "keyName",
    "ecs/taskDefinition": "family",
    "serviceaccount/account": "accountId",
    "secretmanager/secret": "secretId",
    "alloydb/cluster": "clusterId",
    "artifactregistry/repository": "repositoryId",
}

# ARN shapes per resource type; everything else falls back to _ARN_FALLBACK.
_ELB = "arn:{partition}:elasticloadbalancing:{region}:{account}"
_ARNS: dict[str, str] = {
    "s3/bucket": "arn:{partition}:s3:::{name}",
    "s3/bucketV2": "arn:{partition}:s3:::{name}",
    "iam/role": "arn:{partition}:iam::{account}:role/{name}",
    "iam/policy": "arn:{partition}:iam::{account}:policy/{name}",
    "iam/user": "arn:{partition}:iam::{account}:user/{name}",
    "iam/group": "arn:{partition}:iam::{account}:group/{name}",
    "iam/instanceProfile": "arn:{partition}:iam::{account}:instance-profile/{name}",
    "rds/instance": "arn:{partition}:rds:{region}:{account}:db:{name}",
    "rds/clusterInstance": "arn:{partition}:rds:{region}:{account}:db:{name}",
    "rds/cluster": "arn:{partition}:rds:{region}:{account}:cluster:{name}",
    "rds/globalCluster": "arn:{partition}:rds::{account}:global-cluster:{name}",
    "rds/subnetGroup": "arn:{partition}:rds:{region}:{account}:subgrp:{name}",
    "rds/parameterGroup": "arn:{partition}:rds:{region}:{account}:pg:{name}",
    "rds/clusterParameterGroup": "arn:{partition}:rds:{region}:{account}:cluster-pg:{name}",
    "kms/key": "arn:{partition}:kms:{region}:{account}:key/{uuid}",
    "kms/replicaKey": "arn:{partition}:kms:{region}:{account}:key/{uuid}",
    "kms/alias": "arn:{partition}:kms:{region}:{account}:{name}",
    "lb/loadBalancer": _ELB + ":loadbalancer/{lbKind}/{name}/{hex16}",
    "alb/loadBalancer": _ELB + ":loadbalancer/{lbKind}/{name}/{hex16}",
    "lb/targetGroup": _ELB + ":targetgroup/{name}/{hex16}",
    "alb/targetGroup": _ELB + ":targetgroup/{name}/{hex16}",
    "lb/listener": _ELB + ":listener/{lbPath}/{hex16}",
    "alb/listener": _ELB + ":listener/{lbPath}/{hex16}",
    "lb/listenerRule": _ELB + ":listener-rule/{lbPath}/{hex16}/{hex16b}",
    "sns/topic": "arn:{partition}:sns:{region}:{account}:{name}",
    "sns/topicSubscription": "arn:{partition}:sns:{region}:{account}:{topicName}:{uuid}",
    "sqs/queue": "arn:{partition}:sqs:{region}:{account}:{name}",
    "backup/vault": "arn:{partition}:backup:{region}:{account}:backup-vault:{name}",
    "backup/plan": "arn:{partition}:backup:{region}:{account}:backup-plan:{uuid}",
    "route53/healthCheck": "arn:{partition}:route53:::healthcheck/{uuid}",
    "route53/zone": "arn:{partition}:route53:::hostedzone/{zoneId}",
    "autoscaling/group": "arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:"
                         "{uuid}:autoScalingGroupName/{name}",
    "autoscaling/policy": "arn:{partition}:autoscaling:{region}:{account}:scalingPolicy:"
                          "{uuid}:autoScalingGroupName/{autoscalingGroupName}:policyName/{name}",
    "lambda/function": "arn:{partition}:lambda:{region}:{account}:function:{name}",
    "dynamodb/table": "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
    "secretsmanager/secret": "arn:{partition}:secretsmanager:{region}:{account}:secret:"
                             "{name}-{alnum6}",
    "cloudwatch/metricAlarm": "arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}",
    "cloudwatch/logGroup": "arn:{partition}:logs:{region}:{account}:log-group:{name}",
    "cloudwatch/eventRule": "arn:{partition}:events:{region}:{account}:rule/{name}",
    "acm/certificate": "arn:{partition}:acm:{region}:{account}:certificate/{uuid}",
    "ecs/cluster": "arn:{partition}:ecs:{region}:{account}:cluster/{name}",
    "ecs/service": "arn:{partition}:ecs:{region}:{account}:service/{name}",
    "ecs/taskDefinition": "arn:{partition}:ecs:{region}:{account}:task-definition/{name}:1",
    "ecr/repository": "arn:{partition}:ecr:{region}:{account}:repository/{name}",
    "elasticache/replicationGroup":
        "arn:{partition}:elasticache:{region}:{account}:replicationgroup:{name}",
    "efs/fileSystem": "arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}",
    "cloudfront/distribution": "arn:{partition}:cloudfront::{account}:distribution/{distId}",
    "globalaccelerator/accelerator":
        "arn:{partition}:globalaccelerator::{account}:accelerator/{uuid}",
    "ssm/parameter": "arn:{partition}:ssm:{region}:{account}:parameter/{bareName}",
    "sfn/stateMachine": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
}
_ARN_FALLBACK = "arn:{partition}:{module}:{region}:{account}:{kind}/{id}"

# Hostname service labels where they differ from the SDK module name.
_HOST_SERVICES = {"elasticache": "cache", "opensearch": "es", "elasticsearch": "es"}

# ELB log-delivery accounts (aws_elb_service_account), per region.
_ELB_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194", "ca-central-1": "985666609251", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-west-3": "009996457667", "eu-central-1": "054676820928",
    "eu-north-1": "897822967062", "ap-south-1": "718504428378", "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266", "ap-northeast-1": "582318560864",
    "sa-east-1": "507241528517",
}

_AWS_REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)", "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)", "eu-west-3": "Europe (Paris)",
    "eu-central-1": "Europe (Frankfurt)", "eu-central-2": "Europe (Zurich)",
    "eu-north-1": "Europe (Stockholm)", "eu-south-1": "Europe (Milan)",
    "ap-south-1": "Asia Pacific (Mumbai)", "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)", "ap-northeast-1": "Asia Pacific (Tokyo)",
    "sa-east-1": "South America (Sao Paulo)",
}

# Direction words in region names and their letters in AZ ids (eu-central-1 -> euc1-az1).
_AZ_DIRECTIONS = {"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
                  "central": "c", "north": "n", "south": "s", "east": "e", "west": "w"}

# Google's published source ranges (gcp.compute.getNetblockIPRanges).
_NETBLOCKS: dict[str, tuple[str, ...]] = {
    "health-checkers": ("35.191.0.0/16", "130.211.0.0/22"),
    "legacy-health-checkers": ("35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"),
    "iap-forwarders": ("35.235.240.0/20",),
    "restricted-googleapis": ("199.36.153.4/30",),
    "private-googleapis": ("199.36.153.8/30",),
    "dns-forwarders": ("35.199.192.0/19",),
    "cloud-netblocks": ("34.0.0.0/15", "35.184.0.0/13", "104.154.0.0/15"),
}

_DB_PORTS = (("postgres", 5432), ("mysql", 3306), ("maria", 3306), ("sqlserver", 1433),
             ("oracle", 1521), ("redis", 6379), ("valkey", 6379), ("memcached", 11211),
             ("docdb", 27017), ("neptune", 8182))

_IMAGE_PROJECTS = (("debian", "debian-cloud"), ("ubuntu", "ubuntu-os-cloud"),
                   ("cos", "cos-cloud"), ("rocky", "rocky-linux-cloud"),
                   ("centos", "centos-cloud"), ("windows", "windows-cloud"))

_UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


# -- the subject: one resource or call, with lazily derived values ----------------------------


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _upper_alnum(hexdigits: str, length: int) -> str:
    """Upper-case letters and digits, the alphabet of Route53 zone ids and IAM unique ids
    (one character per byte of the hash: at most 32)."""
    return "".join(_UPPER_ALNUM[byte % 36] for byte in bytes.fromhex(hexdigits[:2 * length]))


def _uuid(hexdigits: str) -> str:
    h = hexdigits
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _last_segment(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


class _Subject:
    """One resource (or invoke) being valued; derived values are computed once, on demand."""

    def __init__(self, token: str, name: str, urn: str, inputs: Mapping[str, Any], pid: str,
                 ctx: Context) -> None:
        self.token = token
        self.pkg, middle, self.typ = [*token.split(":"), "", ""][:3]
        self.module = middle.split("/", 1)[0]
        if self.typ.startswith("get") and self.typ[3:4].isupper():
            # A data source reads a resource: aws:iam/getRole:getRole values like iam/role.
            self.typ = self.typ[3:]
            middle = f"{self.module}/{self.typ[:1].lower()}{self.typ[1:]}"
        self.mod = middle
        self.resource_name = name
        self.urn = urn
        self.inputs = inputs
        self.pid = pid
        self.ctx = ctx

    def text(self, key: str) -> str:
        """A string input, or "" when absent or not a string."""
        value = self.inputs.get(key)
        return value if isinstance(value, str) else ""

    def hexes(self, salt: str) -> str:
        """64 more hex digits, independent of :attr:`digest`, for a second value of one kind."""
        return _sha(f"{self.urn}#{salt}")

    def format(self, template: str) -> str:
        return template.format_map(_Fields(self))

    @functools.cached_property
    def digest(self) -> str:
        return _sha(self.urn)

    @functools.cached_property
    def uuid(self) -> str:
        return _uuid(self.digest)

    @functools.cached_property
    def region(self) -> str:
        own = self.text("region")
        if self.pkg == "gcp" and not own:
            zone = self.text("zone")
            own = zone.rsplit("-", 1)[0] if zone.count("-") >= 2 else ""
        return own or self.ctx.region or _DEFAULT_REGION.get(self.pkg, "us-east-1")

    @functools.cached_property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        return "aws-us-gov" if self.region.startswith("us-gov-") else "aws"

    @functools.cached_property
    def project(self) -> str:
        return self.text("project") or self.ctx.gcp_project

    @functools.cached_property
    def name(self) -> str:
        """The name input, else the name in a read's id, else an autoname like Pulumi's."""
        own = self.text(_NAME_KEYS.get(self.mod, "name"))
        if own:
            return own
        if self.pid and self.pkg == "gcp":
            return _last_segment(self.pid)
        if self.pid and self.mod not in _ID_TEMPLATES and self.mod not in _EC2_IDS:
            return self.pid
        return f"{self.resource_name}-{self.digest[:8]}"

    @functools.cached_property
    def arn(self) -> str:
        template = _ARNS.get(self.mod)
        if template is None:
            kind = _EC2_IDS.get(self.mod, ("", ""))[1]
            template = (f"arn:{{partition}}:ec2:{{region}}:{{account}}:{kind}/{{id}}" if kind
                        else _ARN_FALLBACK)
        return self.format(template)

    @functools.cached_property
    def zone_id(self) -> str:
        """Route53 zone id; load balancers and buckets share one per region, as in AWS."""
        if self.module in ("lb", "alb", "elb", "s3", "cloudfront", "globalaccelerator"):
            return "Z" + _upper_alnum(_sha(f"{self.module}:{self.region}"), 13)
        return "Z" + _upper_alnum(self.digest, 13)

    @functools.cached_property
    def account_hex(self) -> str:
        """The per account-and-region label in RDS and ElastiCache host names."""
        return _sha(f"{self.ctx.account_id}:{self.region}")[:12]

    @functools.cached_property
    def ip(self) -> str:
        return f"203.0.113.{1 + int(self.digest[:4], 16) % 254}"

    @functools.cached_property
    def private_ip(self) -> str:
        d = self.digest
        return f"10.{int(d[4:6], 16) % 256}.{int(d[6:8], 16) % 256}.{1 + int(d[8:10], 16) % 254}"

    @functools.cached_property
    def project_number(self) -> str:
        return str(100000000000 + int(_sha(self.project)[:12], 16) % 900000000000)

    @functools.cached_property
    def email(self) -> str:
        return f"{self.name}@{self.project}.iam.gserviceaccount.com"

    @functools.cached_property
    def self_link(self) -> str:
        path = self.pid or _id_for(self) or self.format(_GCP_FALLBACK_ID)
        if self.module == "sql":
            return f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{self.project}" \
                   f"/instances/{self.name}"
        if self.module == "storage":
            return f"https://www.googleapis.com/storage/v1/b/{self.name}"
        return f"https://www.googleapis.com/{self.module}/v1/{path}"

    @functools.cached_property
    def port(self) -> int:
        engine = (self.text("engine") or self.text("databaseVersion") or self.module).lower()
        for word, port in _DB_PORTS:
            if word in engine:
                return port
        return 80 if self.text("protocol").upper() in ("HTTP", "TCP") else 443


def _lb_kind(s: _Subject) -> str:
    kind = s.text("loadBalancerType") or "application"
    return {"network": "net", "gateway": "gwy"}.get(kind, "app")


def _lb_path(s: _Subject) -> str:
    """``app/{lb-name}/{hex}`` of the listener's load balancer, read from its ARN input."""
    parent = s.text("loadBalancerArn") or s.text("listenerArn")
    for marker in (":loadbalancer/", ":listener/"):
        if marker in parent:
            return parent.split(marker, 1)[1]
    return f"app/{s.name}/{s.hexes('lb')[:16]}"


# Template fields computed from the subject; anything else is looked up in the inputs.
_FIELDS: dict[str, Callable[[_Subject], str]] = {
    "partition": lambda s: s.partition,
    "region": lambda s: s.region,
    "account": lambda s: s.ctx.account_id,
    "project": lambda s: s.project,
    "name": lambda s: s.name,
    "id": lambda s: s.pid or s.name,
    "arn": lambda s: s.arn,
    "uuid": lambda s: s.uuid,
    "hex16": lambda s: s.digest[:16],
    "hex16b": lambda s: s.digest[16:32],
    "alnum6": lambda s: _upper_alnum(s.digest, 6),
    "zoneId": lambda s: s.text("zoneId") or s.zone_id,
    "distId": lambda s: "E" + _upper_alnum(s.digest, 13),
    "lbKind": _lb_kind,
    "lbPath": _lb_path,
    "module": lambda s: s.module,
    "kind": lambda s: s.typ[:1].lower() + s.typ[1:] + "s" if s.pkg == "gcp" else s.typ.lower(),
    "bareName": lambda s: s.name.lstrip("/"),
    "topicName": lambda s: _last_segment(s.text("topic")) or s.name,
    "location": lambda s: s.text("location") or s.region,
    "zone": lambda s: s.text("zone") or f"{s.region}-a",
    "email": lambda s: s.email,
}


class _Fields(dict[str, str]):
    """``str.format_map`` mapping: computed fields, then string inputs, then ""."""

    def __init__(self, subject: _Subject) -> None:
        super().__init__()
        self.subject = subject

    def __missing__(self, key: str) -> str:
        compute = _FIELDS.get(key)
        return compute(self.subject) if compute else self.subject.text(key)


# -- SDK introspection -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """A property's type, reduced to what value generation needs."""

    kind: str  # str, int, float, bool, any, list, map, object, const
    item: _Spec | None = None
    cls: type | None = None
    value: Any = None


_ANY = _Spec("any")
_SCALARS = {str: _Spec("str"), bool: _Spec("bool"), int: _Spec("int"), float: _Spec("float")}
_LIST_ORIGINS = (list, tuple, Sequence, typing.Sequence)
_MAP_ORIGINS = (dict, Mapping, typing.Mapping)


def _spec(tp: Any) -> _Spec:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is pulumi.Output or origin in (typing.Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        return _spec(real[0]) if real else _ANY
    if origin in _LIST_ORIGINS:
        return _Spec("list", item=_spec(args[0]) if args else _ANY)
    if origin in _MAP_ORIGINS:
        return _Spec("map")
    if tp in _SCALARS:
        return _SCALARS[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        first = next(iter(tp), None)
        return _Spec("const", value=first.value if first is not None else "")
    if isinstance(tp, type) and getattr(tp, "_pulumi_output_type", False):
        return _Spec("object", cls=tp)
    return _ANY


@functools.cache
def _properties(cls: type) -> tuple[tuple[str, _Spec], ...]:
    """Wire name and type of each ``@pulumi.getter`` property of an SDK class."""
    found: dict[str, _Spec] = {}
    for klass in reversed(cls.__mro__):
        for attr in vars(klass).values():
            getter = getattr(attr, "fget", None)
            wire = getattr(getter, "_pulumi_name", None)
            if not isinstance(wire, str):
                continue
            try:
                hint = typing.get_type_hints(getter).get("return", Any)
            except Exception:  # an annotation that does not resolve: value it as a string
                hint = str
            found[wire] = _spec(hint)
    return tuple(found.items())


@functools.cache
def _resource_modules(pkg: str) -> dict[str, tuple[str, str]]:
    """token -> (module, class) from the ``_utilities.register`` table in the package's
    ``__init__.py``, read as text so that no SDK module is imported just to look it up."""
    try:
        spec = importlib.util.find_spec(f"pulumi_{pkg.replace('-', '_')}")
    except (ImportError, ValueError):
        return {}
    if spec is None or spec.origin is None:
        return {}
    with open(spec.origin, encoding="utf-8") as handle:
        source = handle.read()
    match = re.search(r'resource_modules="""(.*?)"""', source, re.S)
    if match is None:
        return {}
    table: dict[str, tuple[str, str]] = {}
    for entry in json.loads(match.group(1)):
        for token, class_name in entry.get("classes", {}).items():
            table[token] = (entry["fqn"], class_name)
    return table


def _import_attr(module: str, attr: str) -> type | None:
    try:
        found = getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None
    return found if isinstance(found, type) else None


@functools.cache
def _resource_class(token: str) -> type | None:
    entry = _resource_modules(token.split(":", 1)[0]).get(token)
    return _import_attr(*entry) if entry else None


@functools.cache
def _function_result_class(token: str) -> type | None:
    """``aws:ec2/getAmi:getAmi`` -> ``pulumi_aws.ec2.GetAmiResult`` (``index`` is the root)."""
    parts = token.split(":")
    if len(parts) != 3 or not parts[2]:
        return None
    pkg, middle, fn = parts
    root = f"pulumi_{pkg.replace('-', '_')}"
    if importlib.util.find_spec(root) is None:
        return None
    module = middle.split("/", 1)[0]
    result = fn[0].upper() + fn[1:] + "Result"
    candidates = [root] if module == "index" else [f"{root}.{module}", f"{root}.{module.lower()}"]
    for candidate in candidates:
        found = _import_attr(candidate, result)
        if found is not None:
            return found
    return None


# -- value generation ------------------------------------------------------------------------

Gen = Callable[[_Subject], Any]


def _pem(kind: str) -> Gen:
    def pem(s: _Subject) -> str:
        body = base64.b64encode(bytes.fromhex(s.digest * 3)).decode()
        return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n"
    return pem


def _endpoint(s: _Subject) -> str:
    if s.pkg == "gcp":
        return s.ip
    host = _host(s)
    return f"{host}:{s.port}" if s.module in ("rds", "docdb", "neptune") else host


def _host(s: _Subject) -> str:
    service = _HOST_SERVICES.get(s.module, s.module)
    return f"{s.name}.{s.account_hex}.{s.region}.{service}.amazonaws.com"


def _address(s: _Subject) -> str:
    return s.ip if s.pkg == "gcp" else _host(s)


def _dns_name(s: _Subject) -> str:
    if s.module not in ("lb", "alb", "elb"):
        return f"{s.name}.{s.region}.{s.module}.amazonaws.com"
    prefix = "internal-" if s.inputs.get("internal") is True else ""
    if _lb_kind(s) == "app":
        digits = int(s.digest[:12], 16) % 10**10
        return f"{prefix}{s.name}-{digits}.{s.region}.elb.amazonaws.com"
    return f"{prefix}{s.name}-{s.digest[:16]}.elb.{s.region}.amazonaws.com"


def _arn_suffix(s: _Subject) -> str:
    resource = s.arn.split(":", 5)[-1]
    return resource.removeprefix("loadbalancer/")


def _url(s: _Subject) -> str:
    if s.module == "sqs":
        return f"https://sqs.{s.region}.amazonaws.com/{s.ctx.account_id}/{s.name}"
    if s.module == "storage":
        return f"gs://{s.name}"
    if s.module in ("cloudrun", "cloudrunv2", "cloudfunctionsv2"):
        return f"https://{s.name}-{s.digest[:10]}-{s.region[:2]}.a.run.app"
    if s.pkg == "gcp":
        return s.self_link
    return f"https://{s.name}.{s.module}.{s.region}.amazonaws.com"


def _unique_id(s: _Subject) -> str:
    if s.mod == "iam/role":
        return "AROA" + _upper_alnum(s.digest, 17)
    if s.mod == "iam/user":
        return "AIDA" + _upper_alnum(s.digest, 17)
    return str(100000000000000000000 + int(s.digest[:20], 16) % 10**20)


def _status(s: _Subject) -> str:
    return "READY" if s.pkg == "gcp" else "available"


def _tags(key: str) -> Gen:
    def tags(s: _Subject) -> dict[str, Any]:
        value = s.inputs.get(key)
        return dict(value) if isinstance(value, Mapping) else {}
    return tags


def _availability_zones(s: _Subject) -> list[str]:
    return [f"{s.region}{letter}" for letter in "abc"]


def _name_servers(s: _Subject) -> list[str]:
    d = s.digest
    servers = []
    for i, tld in enumerate(("com", "net", "org", "co.uk")):
        number, group = int(d[i * 4:i * 4 + 4], 16) % 2048, int(d[20 + i * 2:22 + i * 2], 16) % 64
        servers.append(f"ns-{number}.awsdns-{group:02d}.{tld}")
    return servers


def _validation_options(s: _Subject) -> list[dict[str, str]]:
    """One DNS validation record per distinct domain, as ACM returns them."""
    sans = s.inputs.get("subjectAlternativeNames")
    domains = [s.text("domainName"), *(sans if isinstance(sans, list) else [])]
    options = []
    for domain in dict.fromkeys(d for d in domains if isinstance(d, str) and d):
        h = s.hexes(domain)
        base = domain.removeprefix("*.")
        options.append({
            "domainName": domain,
            "resourceRecordName": f"_{h[:32]}.{base}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{h[32:64]}.{h[:10]}.acm-validations.aws.",
        })
    return options


def _sql_ip_addresses(s: _Subject) -> list[dict[str, str]]:
    return [{"ipAddress": s.ip, "type": "PRIMARY", "timeToRetire": ""}]


def _region_value(s: _Subject) -> str:
    return s.region


# Token-specific values: (type, property) -> generator.
_SPECIAL: dict[tuple[str, str], Gen] = {
    ("acm/certificate", "domainValidationOptions"): _validation_options,
    ("acm/certificate", "status"): lambda s: "ISSUED",
    ("rds/cluster", "endpoint"):
        lambda s: f"{s.name}.cluster-{s.account_hex}.{s.region}.rds.amazonaws.com",
    ("rds/cluster", "readerEndpoint"):
        lambda s: f"{s.name}.cluster-ro-{s.account_hex}.{s.region}.rds.amazonaws.com",
    ("rds/instance", "resourceId"): lambda s: "db-" + _upper_alnum(s.digest, 26),
    ("rds/cluster", "clusterResourceId"): lambda s: "cluster-" + _upper_alnum(s.digest, 26),
    ("cloudfront/distribution", "domainName"):
        lambda s: f"d{_upper_alnum(s.digest, 13).lower()}.cloudfront.net",
    ("cloudfront/distribution", "hostedZoneId"): lambda s: "Z2FDTNDATAQYW2",
    ("sql/databaseInstance", "ipAddresses"): _sql_ip_addresses,
    ("sql/databaseInstance", "state"): lambda s: "RUNNABLE",
    ("route53/record", "fqdn"): lambda s: s.text("name").rstrip("."),
    ("kms/key", "keyId"): lambda s: s.uuid,
    ("serviceaccount/account", "name"): lambda s: f"projects/{s.project}/serviceAccounts/"
                                                  f"{s.email}",
    ("organizations/project", "number"): lambda s: s.project_number,
    # The group a manager manages: backend services reference it by this URL.
    ("compute/regionInstanceGroupManager", "instanceGroup"):
        lambda s: f"https://www.googleapis.com/compute/v1/projects/{s.project}/regions/"
                  f"{s.region}/instanceGroups/{s.name}",
    ("compute/instanceGroupManager", "instanceGroup"):
        lambda s: f"https://www.googleapis.com/compute/v1/projects/{s.project}/zones/"
                  f"{s.text('zone') or s.region + '-a'}/instanceGroups/{s.name}",
}

# Values by property name, for any type.
_BY_NAME: dict[str, tuple[str, Gen]] = {
    "id": ("str", lambda s: _id_for(s) or s.text(_NAME_KEYS.get(s.mod, "name")) or (
        s.region if s.pkg == "aws" else f"projects/{s.project}")),
    "arn": ("str", lambda s: s.arn),
    "arnSuffix": ("str", _arn_suffix),
    "endpoint": ("str", _endpoint),
    "address": ("str", _address),
    "dnsName": ("str", _dns_name),
    "zoneId": ("str", lambda s: s.zone_id),
    "hostedZoneId": ("str", lambda s: s.zone_id),
    "bucketDomainName": ("str", lambda s: f"{s.name}.s3.amazonaws.com"),
    "bucketRegionalDomainName": ("str", lambda s: f"{s.name}.s3.{s.region}.amazonaws.com"),
    "websiteEndpoint": ("str", lambda s: f"{s.name}.s3-website-{s.region}.amazonaws.com"),
    "websiteDomain": ("str", lambda s: f"s3-website-{s.region}.amazonaws.com"),
    "selfLink": ("str", lambda s: s.self_link),
    "selfLinkWithId": ("str", lambda s: s.self_link),
    "connectionName": ("str", lambda s: f"{s.project}:{s.region}:{s.name}"),
    "ipAddress": ("str", lambda s: s.ip),
    "publicIp": ("str", lambda s: s.ip),
    "publicIpAddress": ("str", lambda s: s.ip),
    "firstIpAddress": ("str", lambda s: s.ip),
    "natIp": ("str", lambda s: s.ip),
    "privateIp": ("str", lambda s: s.private_ip),
    "privateIpAddress": ("str", lambda s: s.private_ip),
    "networkIp": ("str", lambda s: s.private_ip),
    "gatewayAddress": ("str", lambda s: s.private_ip),
    "url": ("str", _url),
    "uri": ("str", _url),
    "fingerprint": ("str", lambda s: s.hexes("fingerprint")[:16]),
    "etag": ("str", lambda s: s.hexes("etag")[:32]),
    "uniqueId": ("str", _unique_id),
    "keyId": ("str", lambda s: s.uuid),
    "ownerId": ("str", lambda s: s.ctx.account_id),
    "accountId": ("str", lambda s: s.name if s.pkg == "gcp" else s.ctx.account_id),
    "region": ("str", _region_value),
    "location": ("str", lambda s: s.text("location") or s.region),
    "availabilityZone": ("str", lambda s: f"{s.region}a"),
    "zone": ("str", lambda s: f"{s.region}-a" if s.pkg == "gcp" else f"{s.region}a"),
    "project": ("str", lambda s: s.project),
    "number": ("str", lambda s: s.project_number),
    "email": ("str", lambda s: s.email),
    "member": ("str", lambda s: f"serviceAccount:{s.email}"),
    "version": ("str", lambda s: "1"),
    "status": ("str", _status),
    "state": ("str", _status),
    "name": ("str", lambda s: s.name),
    "identifier": ("str", lambda s: s.name),
    "bucket": ("str", lambda s: s.name),
    "clusterIdentifier": ("str", lambda s: s.name),
    "creationTimestamp": ("str", lambda s: _TIMESTAMP),
    "createTime": ("str", lambda s: _TIMESTAMP),
    "updateTime": ("str", lambda s: _TIMESTAMP),
    "createDate": ("str", lambda s: _TIMESTAMP),
    "creationDate": ("str", lambda s: _TIMESTAMP),
    "createdAt": ("str", lambda s: _TIMESTAMP),
    "createdDate": ("str", lambda s: _TIMESTAMP),
    "lastModifiedDate": ("str", lambda s: _TIMESTAMP),
    "certificate": ("str", _pem("CERTIFICATE")),
    "certificateBody": ("str", _pem("CERTIFICATE")),
    "certificateChain": ("str", _pem("CERTIFICATE")),
    "cert": ("str", _pem("CERTIFICATE")),
    "privateKey": ("str", _pem("PRIVATE KEY")),
    "tagsAll": ("map", _tags("tags")),
    "effectiveLabels": ("map", _tags("labels")),
    "pulumiLabels": ("map", _tags("labels")),
    "terraformLabels": ("map", _tags("labels")),
    "availabilityZones": ("list", _availability_zones),
    "nameServers": ("list", _name_servers),
    "port": ("int", lambda s: s.port),
    "latestVersion": ("int", lambda s: 1),
}

def _other_arn(wire: str) -> Gen:
    """An ARN for a related thing (``kmsKeyArn``, ``roleArn``), never the resource's own."""
    kind = wire.removesuffix("Arn").removesuffix("arn").lower() or "resource"
    return lambda s: (f"arn:{s.partition}:{s.module}:{s.region}:{s.ctx.account_id}:"
                      f"{kind}/{s.name}")


def _prefixed_id(prefix: str) -> Callable[[str], Gen]:
    return lambda wire: lambda s: f"{prefix}-0{s.hexes(wire)[:16]}"


def _fixed(generate: Gen) -> Callable[[str], Gen]:
    return lambda wire: generate


# By the (case-insensitive) end of the property name, tried in order when the name has no
# entry: (suffix, the only package it applies to or "", maker of the generator from the name).
_BY_SUFFIX: tuple[tuple[str, str, Callable[[str], Gen]], ...] = (
    ("arn", "aws", _other_arn),
    ("certificatepem", "", _fixed(_pem("CERTIFICATE"))),
    ("privatekeypem", "", _fixed(_pem("PRIVATE KEY"))),
    ("publickeypem", "", _fixed(_pem("PUBLIC KEY"))),
    ("pem", "", _fixed(_pem("CERTIFICATE"))),
    ("cacertificate", "",
     _fixed(lambda s: base64.b64encode(_pem("CERTIFICATE")(s).encode()).decode())),
    ("timestamp", "", _fixed(lambda s: _TIMESTAMP)),
    ("time", "", _fixed(lambda s: _TIMESTAMP)),
    ("fingerprint", "", _fixed(lambda s: s.hexes("fingerprint")[:16])),
    ("ipv6cidrblock", "aws", _fixed(lambda s: "2600:1f18:1234:5600::/56")),
    ("cidrblock", "aws", _fixed(lambda s: "10.0.0.0/16")),
    ("ipaddress", "", _fixed(lambda s: s.ip)),
    ("routetableid", "aws", _prefixed_id("rtb")),
    ("securitygroupid", "aws", _prefixed_id("sg")),
    ("networkaclid", "aws", _prefixed_id("acl")),
    ("dhcpoptionsid", "aws", _prefixed_id("dopt")),
    ("subnetid", "aws", _prefixed_id("subnet")),
    ("vpcid", "aws", _prefixed_id("vpc")),
    ("networkinterfaceid", "aws", _prefixed_id("eni")),
    ("allocationid", "aws", _prefixed_id("eipalloc")),
    ("imageid", "aws", _prefixed_id("ami")),
    ("instanceid", "aws", _prefixed_id("i")),
)

# Names that mean "this resource's own name": only true of top-level properties.
_OWN_NAMES = frozenset({"name", "identifier", "bucket", "clusterIdentifier", "arn", "id"})


def _fallback_string(wire: str) -> Gen:
    """Unique per resource and property, and says where it came from when it shows up."""
    return lambda s: f"{s.name}-{wire}"


def _constant(kind: str, value: Any = None) -> Gen:
    """A fixed value; lists and maps are made afresh so that no two states share one."""
    if kind == "list":
        return lambda s: []
    if kind == "map":
        return lambda s: {}
    return lambda s: value


_CONSTANTS = {"int": 1, "float": 1.0, "bool": False}


def _object(pkg: str, mod: str, cls: type, depth: int) -> Gen:
    """A nested output object, filled field by field; depth-limited as some types recurse."""
    if depth >= _MAX_DEPTH:
        return _constant("map")

    def nested(s: _Subject) -> dict[str, Any]:
        return {wire: generate(s) for wire, generate in _plan(pkg, mod, cls, depth + 1)}
    return nested


def _choose(pkg: str, mod: str, wire: str, spec: _Spec, depth: int) -> Gen:
    """The generator for one property: by type and name, by name, by suffix, then by type."""
    special = _SPECIAL.get((mod, wire))
    if special is not None:
        return special
    kind = spec.kind
    by_name = _BY_NAME.get(wire)
    if by_name is not None and by_name[0] == ("str" if kind == "any" else kind) and not (
            depth and wire in _OWN_NAMES):
        return by_name[1]
    if kind == "str" or kind == "any":
        lower = wire.lower()
        for suffix, only, make in _BY_SUFFIX:
            if lower.endswith(suffix) and only in ("", pkg):
                return make(wire)
        return _fallback_string(wire)
    if kind == "const":
        return _constant(kind, spec.value)
    if kind == "object" and spec.cls is not None:
        return _object(pkg, mod, spec.cls, depth)
    if kind in ("list", "map"):
        return _constant(kind)
    return _constant(kind, _CONSTANTS.get(kind, ""))


@functools.cache
def _plan(pkg: str, mod: str, cls: type, depth: int) -> tuple[tuple[str, Gen], ...]:
    """(wire name, generator) for each property of ``cls``, chosen once per token.

    A resource's ``id`` and ``urn`` are not state (the mock returns the id separately); an
    invoke result's or a nested object's ``id`` is an ordinary property."""
    skip = ("id", "urn") if issubclass(cls, pulumi.Resource) else ()
    return tuple((wire, _choose(pkg, mod, wire, spec, depth))
                 for wire, spec in _properties(cls) if wire not in skip)


# -- invokes ---------------------------------------------------------------------------------


def _args_list(s: _Subject, key: str) -> list[Any]:
    value = s.inputs.get(key)
    return list(value) if isinstance(value, list | tuple) else []


def _filter_values(s: _Subject, name: str) -> list[str]:
    values: list[str] = []
    for item in _args_list(s, "filters"):
        if isinstance(item, Mapping) and item.get("name") == name:
            values.extend(str(v) for v in item.get("values") or ())
    return values


def _az_short(region: str) -> str:
    """``eu-central-1`` -> ``euc1``, the prefix of AWS availability-zone ids."""
    parts = region.split("-")
    if len(parts) < 3:
        return region.replace("-", "")
    letters = "".join(_AZ_DIRECTIONS.get(word, word[:1]) for word in parts[1:-1])
    return f"{parts[0]}{letters}{parts[-1]}"


def _get_availability_zones(s: _Subject) -> dict[str, Any]:
    short = _az_short(s.region)
    zones = [(f"{s.region}{letter}", f"{short}-az{i}") for i, letter in enumerate("abc", 1)]
    excluded = set(_args_list(s, "excludeNames")) | set(_args_list(s, "excludeZoneIds"))
    zones = [z for z in zones if z[0] not in excluded and z[1] not in excluded]
    return {"id": s.region, "names": [z[0] for z in zones], "zoneIds": [z[1] for z in zones],
            "state": s.text("state") or "available", "groupNames": [s.region],
            "region": s.region}


def _get_caller_identity(s: _Subject) -> dict[str, Any]:
    account = s.ctx.account_id
    return {"id": account, "accountId": account,
            "arn": f"arn:{s.partition}:sts::{account}:assumed-role/drkit-offline/drkit",
            "userId": f"AROA{_upper_alnum(_sha(account), 17)}:drkit"}


def _get_region(s: _Subject) -> dict[str, Any]:
    region = s.text("region") or s.text("name") or s.region
    return {"id": region, "name": region, "region": region,
            "description": _AWS_REGION_NAMES.get(region, region),
            "endpoint": f"ec2.{region}.amazonaws.com"}


def _get_partition(s: _Subject) -> dict[str, Any]:
    suffix = "amazonaws.com.cn" if s.partition == "aws-cn" else "amazonaws.com"
    prefix = "cn.com.amazonaws" if s.partition == "aws-cn" else "com.amazonaws"
    return {"id": s.partition, "partition": s.partition, "dnsSuffix": suffix,
            "reverseDnsPrefix": prefix}


def _get_ami(s: _Subject) -> dict[str, Any]:
    ami = "ami-0" + s.digest[:16]
    pattern = next(iter(_filter_values(s, "name")), "") or s.text("nameRegex")
    arch = "arm64" if "arm64" in pattern or "arm64" in _filter_values(s, "architecture") \
        else "x86_64"
    name = re.sub(r"[*?^$\\]", "", pattern.replace("*", "20250101.0", 1)) or \
        f"al2023-ami-2023.6.20250101.0-kernel-6.1-{arch}"
    owners = [o for o in _args_list(s, "owners") if isinstance(o, str) and o.isdigit()]
    owner = owners[0] if owners else _AMAZON_AMI_OWNER
    return {"id": ami, "imageId": ami, "architecture": arch, "name": name, "ownerId": owner,
            "arn": f"arn:{s.partition}:ec2:{s.region}::image/{ami}", "state": "available",
            "imageLocation": f"{owner}/{name}", "rootDeviceName": "/dev/xvda",
            "rootDeviceType": "ebs", "virtualizationType": "hvm", "hypervisor": "xen",
            "platformDetails": "Linux/UNIX", "imageType": "machine", "public": True,
            "creationDate": _TIMESTAMP, "description": name, "enaSupport": True}


def _get_parameter(s: _Subject) -> dict[str, Any]:
    name = s.text("name")
    value = f"ami-0{s.digest[:16]}" if "ami" in name.lower() else f"{_last_segment(name)}-value"
    return {"id": name, "name": name, "value": value, "insecureValue": value, "type": "String",
            "version": 1,
            "arn": f"arn:{s.partition}:ssm:{s.region}:{s.ctx.account_id}:parameter/"
                   f"{name.lstrip('/')}"}


def _get_zone(s: _Subject) -> dict[str, Any]:
    """AWS reports zone names without the trailing dot, whichever way they were asked for."""
    zone_id = s.text("zoneId") or "Z" + _upper_alnum(_sha(s.text("name").rstrip(".")), 13)
    name = s.text("name").rstrip(".") or "example.com"
    servers = _name_servers(s)
    return {"id": zone_id, "zoneId": zone_id, "name": name, "nameServers": servers,
            "primaryNameServer": servers[0],
            "arn": f"arn:{s.partition}:route53:::hostedzone/{zone_id}",
            "privateZone": bool(s.inputs.get("privateZone")), "resourceRecordSetCount": 2,
            "callerReference": s.uuid, "comment": "Managed by Pulumi"}


def _vpc_id(s: _Subject) -> str:
    return s.text("id") or "vpc-0" + s.hexes("vpc")[:16]


def _get_vpc(s: _Subject) -> dict[str, Any]:
    vpc = _vpc_id(s)
    cidr = s.text("cidrBlock") or ("172.31.0.0/16" if s.inputs.get("default") else "10.0.0.0/16")
    return {"id": vpc, "default": bool(s.inputs.get("default")), "cidrBlock": cidr,
            "arn": f"arn:{s.partition}:ec2:{s.region}:{s.ctx.account_id}:vpc/{vpc}",
            "ownerId": s.ctx.account_id, "state": "available", "instanceTenancy": "default",
            "enableDnsSupport": True, "enableDnsHostnames": True,
            "mainRouteTableId": "rtb-0" + s.hexes("rtb")[:16],
            "dhcpOptionsId": "dopt-0" + s.hexes("dopt")[:16],
            "cidrBlockAssociations": [{"associationId": "vpc-cidr-assoc-0" + s.digest[:16],
                                       "cidrBlock": cidr, "state": "associated"}]}


def _get_subnets(s: _Subject) -> dict[str, Any]:
    return {"id": s.region, "ids": [f"subnet-0{s.hexes(str(i))[:16]}" for i in range(3)]}


def _get_subnet(s: _Subject) -> dict[str, Any]:
    subnet = s.text("id") or "subnet-0" + s.digest[:16]
    return {"id": subnet, "vpcId": s.text("vpcId") or _vpc_id(s),
            "availabilityZone": s.text("availabilityZone") or f"{s.region}a",
            "cidrBlock": s.text("cidrBlock") or "10.0.1.0/24",
            "arn": f"arn:{s.partition}:ec2:{s.region}:{s.ctx.account_id}:subnet/{subnet}",
            "ownerId": s.ctx.account_id, "state": "available"}


def _get_key(s: _Subject) -> dict[str, Any]:
    """``key_id`` may be a key id, a key ARN, an alias name or an alias ARN."""
    asked = s.text("keyId")
    last = asked.rsplit("key/", 1)[-1]
    key = last if re.fullmatch(r"[0-9a-f-]{36}", last) else _uuid(_sha(asked))
    aws_managed = "alias/aws/" in asked
    arn = f"arn:{s.partition}:kms:{s.region}:{s.ctx.account_id}:key/{key}"
    return {"id": key, "keyId": asked or key, "arn": arn, "enabled": True,
            "keyState": "Enabled", "keyManager": "AWS" if aws_managed else "CUSTOMER",
            "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT",
            "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS",
            "multiRegion": False, "creationDate": _TIMESTAMP}


def _get_certificate(s: _Subject) -> dict[str, Any]:
    arn = f"arn:{s.partition}:acm:{s.region}:{s.ctx.account_id}:certificate/{s.uuid}"
    return {"id": arn, "arn": arn, "domain": s.text("domain"), "status": "ISSUED",
            "certificate": _pem("CERTIFICATE")(s), "certificateChain": _pem("CERTIFICATE")(s)}


def _get_service_account(s: _Subject) -> dict[str, Any]:
    account = _ELB_ACCOUNTS.get(s.region, _ELB_ACCOUNTS["us-east-1"])
    return {"id": account, "arn": f"arn:{s.partition}:iam::{account}:root", "region": s.region}


def _get_zones(s: _Subject) -> dict[str, Any]:
    return {"id": f"projects/{s.project}/regions/{s.region}", "project": s.project,
            "region": s.region, "status": s.text("status") or "UP",
            "names": [f"{s.region}-{letter}" for letter in "abc"]}


def _gcp_project(s: _Subject) -> dict[str, Any]:
    project = s.text("projectId") or s.ctx.gcp_project
    number = str(100000000000 + int(_sha(project)[:12], 16) % 900000000000)
    return {"id": f"projects/{project}", "projectId": project, "name": project,
            "number": number, "orgId": str(int(_sha("org")[:10], 16) % 10**12),
            "autoCreateNetwork": True, "billingAccount": "000000-000000-000000",
            "deletionPolicy": "PREVENT", "folderId": ""}


def _get_project_list(s: _Subject) -> dict[str, Any]:
    project = _gcp_project(s)
    entry = {"projectId": project["projectId"], "name": project["name"],
             "number": project["number"], "lifecycleState": "ACTIVE", "createTime": _TIMESTAMP,
             "labels": {}, "parent": {"type": "organization", "id": project["orgId"]}}
    return {"id": s.text("filter") or "projects", "projects": [entry]}


def _get_image(s: _Subject) -> dict[str, Any]:
    family = s.text("family")
    name = s.text("name") or (f"{family}-v20250101" if family else "debian-12-bookworm-v20250101")
    guess = next((p for word, p in _IMAGE_PROJECTS if word in (family or name)), "debian-cloud")
    project = s.text("project") or guess
    path = f"projects/{project}/global/images/{name}"
    return {"id": path, "name": name, "family": family or name.rsplit("-v", 1)[0],
            "project": project, "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
            "status": "READY", "diskSizeGb": 10, "archiveSizeBytes": 1073741824,
            "creationTimestamp": _TIMESTAMP, "description": name}


def _get_network(s: _Subject) -> dict[str, Any]:
    name = s.text("name") or "default"
    path = f"projects/{s.project}/global/networks/{name}"
    return {"id": path, "name": name, "project": s.project,
            "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
            "gatewayIpv4": "", "subnetworksSelfLinks": []}


def _default_service_account(s: _Subject) -> dict[str, Any]:
    email = f"{s.project_number}-compute@developer.gserviceaccount.com"
    return {"id": f"projects/{s.project}/serviceAccounts/{email}", "email": email,
            "name": f"projects/{s.project}/serviceAccounts/{email}", "project": s.project,
            "displayName": "Compute Engine default service account",
            "member": f"serviceAccount:{email}", "uniqueId": _unique_id(s)}


def _storage_service_account(s: _Subject) -> dict[str, Any]:
    email = f"service-{s.project_number}@gs-project-accounts.iam.gserviceaccount.com"
    return {"id": email, "emailAddress": email, "member": f"serviceAccount:{email}",
            "project": s.project}


def _key_ring(s: _Subject) -> dict[str, Any]:
    name = s.text("name")
    path = f"projects/{s.project}/locations/{s.text('location') or s.region}/keyRings/{name}"
    return {"id": path, "name": name, "project": s.project}


def _crypto_key(s: _Subject) -> dict[str, Any]:
    path = f"{s.text('keyRing')}/cryptoKeys/{s.text('name')}"
    return {"id": path, "purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "7776000s",
            "primaries": [{"name": f"{path}/cryptoKeyVersions/1", "state": "ENABLED"}]}


def _netblocks(s: _Subject) -> dict[str, Any]:
    kind = s.text("rangeType") or "cloud-netblocks"
    blocks = list(_NETBLOCKS.get(kind, ()))
    return {"id": kind, "rangeType": kind, "cidrBlocks": blocks,
            "cidrBlocksIpv4s": [b for b in blocks if ":" not in b],
            "cidrBlocksIpv6s": [b for b in blocks if ":" in b]}


# IAM policy documents -------------------------------------------------------------------------

_STATEMENT_KEYS = (("sid", "Sid"), ("effect", "Effect"), ("actions", "Action"),
                   ("notActions", "NotAction"), ("resources", "Resource"),
                   ("notResources", "NotResource"))


def _one_or_many(values: Iterable[Any]) -> Any:
    """A lone value is written as a scalar, as the AWS provider renders documents."""
    items = list(values)
    return items[0] if len(items) == 1 else items


def _principals(blocks: Iterable[Any]) -> Any:
    merged: dict[str, list[Any]] = {}
    for block in blocks:
        if isinstance(block, Mapping):
            merged.setdefault(str(block.get("type")), []).extend(block.get("identifiers") or ())
    if list(merged) == ["*"] and merged["*"] == ["*"]:
        return "*"
    return {kind: _one_or_many(ids) for kind, ids in merged.items()}


def _conditions(blocks: Iterable[Any]) -> dict[str, dict[str, Any]]:
    rendered: dict[str, dict[str, Any]] = {}
    for block in blocks:
        if isinstance(block, Mapping):
            test = rendered.setdefault(str(block.get("test")), {})
            test[str(block.get("variable"))] = _one_or_many(block.get("values") or ())
    return rendered


def _statement(args: Mapping[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    for key, field in _STATEMENT_KEYS:
        value = args.get(key)
        if isinstance(value, list | tuple) and value:
            statement[field] = _one_or_many(value)
        elif isinstance(value, str) and value:
            statement[field] = value
    statement.setdefault("Effect", "Allow")
    for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        if args.get(key):
            statement[field] = _principals(args[key])
    if args.get("conditions"):
        statement["Condition"] = _conditions(args["conditions"])
    order = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
             "NotPrincipal", "Condition")
    return {field: statement[field] for field in order if field in statement}


def _merge_by_sid(base: list[dict[str, Any]], extra: Iterable[dict[str, Any]]) -> None:
    """Later statements replace earlier ones with the same Sid (source/override documents)."""
    for statement in extra:
        sid = statement.get("Sid")
        index = next((i for i, old in enumerate(base) if sid and old.get("Sid") == sid), None)
        if index is None:
            base.append(statement)
        else:
            base[index] = statement


def _documents(s: _Subject, key: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for text in _args_list(s, key):
        try:
            document = json.loads(text)
        except (TypeError, ValueError):
            continue
        found = document.get("Statement", []) if isinstance(document, dict) else []
        _merge_by_sid(statements, found if isinstance(found, list) else [found])
    return statements


def _policy_document(s: _Subject) -> dict[str, Any]:
    statements = _documents(s, "sourcePolicyDocuments")
    own = [_statement(st) for st in _args_list(s, "statements") if isinstance(st, Mapping)]
    _merge_by_sid(statements, own)
    _merge_by_sid(statements, _documents(s, "overridePolicyDocuments"))
    document: dict[str, Any] = {"Version": s.text("version") or "2012-10-17"}
    if s.text("policyId"):
        document["Id"] = s.text("policyId")
    document["Statement"] = statements
    pretty = json.dumps(document, indent=2)
    return {"id": str(int(_sha(pretty)[:8], 16)), "json": pretty,
            "minifiedJson": json.dumps(document, separators=(",", ":"))}


# Realistic results for common invokes, keyed by lower-cased token.
_INVOKES: dict[str, Callable[[_Subject], dict[str, Any]]] = {
    "aws:index/getavailabilityzones:getavailabilityzones": _get_availability_zones,
    "aws:index/getcalleridentity:getcalleridentity": _get_caller_identity,
    "aws:index/getregion:getregion": _get_region,
    "aws:index/getpartition:getpartition": _get_partition,
    "aws:ec2/getami:getami": _get_ami,
    "aws:ssm/getparameter:getparameter": _get_parameter,
    "aws:iam/getpolicydocument:getpolicydocument": _policy_document,
    "aws:route53/getzone:getzone": _get_zone,
    "aws:ec2/getvpc:getvpc": _get_vpc,
    "aws:ec2/getsubnets:getsubnets": _get_subnets,
    "aws:ec2/getsubnet:getsubnet": _get_subnet,
    "aws:kms/getkey:getkey": _get_key,
    "aws:acm/getcertificate:getcertificate": _get_certificate,
    "aws:elb/getserviceaccount:getserviceaccount": _get_service_account,
    "gcp:compute/getzones:getzones": _get_zones,
    "gcp:organizations/getproject:getproject": _gcp_project,
    "gcp:projects/getproject:getproject": _get_project_list,
    "gcp:compute/getimage:getimage": _get_image,
    "gcp:compute/getnetwork:getnetwork": _get_network,
    "gcp:compute/getdefaultserviceaccount:getdefaultserviceaccount": _default_service_account,
    "gcp:storage/getprojectserviceaccount:getprojectserviceaccount": _storage_service_account,
    "gcp:kms/getkmskeyring:getkmskeyring": _key_ring,
    "gcp:kms/getkmscryptokey:getkmscryptokey": _crypto_key,
    "gcp:compute/getnetblockipranges:getnetblockipranges": _netblocks,
}
