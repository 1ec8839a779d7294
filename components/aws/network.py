"""Regional network: a VPC with public and private subnets across availability zones.

Public subnets hold the load balancer and the NAT gateways; private subnets hold instances and
databases. Each private subnet routes out through the NAT gateway of its own zone by default,
so losing one zone does not cut the others off.

The VPC's default security group is adopted and emptied (nothing should rely on it), and every
flow is logged to a CloudWatch log group encrypted with a key of the region: after an incident,
the flow logs say what talked to what.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.args import Args, arg, between, one_of, satisfies
from components.aws.common import Account, AwsComponent, invoke_opts
from components.base import DrSettings

NatMode = Literal["per-az", "single"]

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                      1827, 2192, 2557, 2922, 3288, 3653)
"""The retentions CloudWatch Logs accepts."""


class NetworkArgs(Args):
    """Inputs of :class:`Network`."""

    cidr_block: str = arg(
        default="10.0.0.0/16",
        doc="VPC range; split into /(n+4) subnets, public first then private.",
        allowed=satisfies(lambda v: 16 <= ipaddress.IPv4Network(v).prefixlen <= 20,
                          "an IPv4 network from /16 to /20"))
    az_count: int = arg(
        default=3, doc="Zones to spread over: 3 by default so a zone failure leaves two.",
        allowed=between(2, 6, why="a DR region needs at least 2 zones"))
    nat_gateways: NatMode = arg(
        default="per-az",
        doc="``per-az`` (production: no cross-zone dependency) or ``single`` (cheaper, one "
            "zone).",
        allowed=one_of("per-az", "single"))
    flow_log_retention_days: int = arg(
        default=365,
        doc="Keep VPC flow logs this long: a year covers most audit and incident look-backs.",
        allowed=one_of(*LOG_RETENTION_DAYS,
                       text="a CloudWatch Logs retention: "
                            + ", ".join(map(str, LOG_RETENTION_DAYS))))

    def subnet_cidrs(self) -> tuple[list[str], list[str]]:
        """(public, private) subnet ranges, one of each per zone."""
        network = ipaddress.IPv4Network(self.cidr_block)
        blocks = [str(b) for b in network.subnets(new_prefix=network.prefixlen + 4)]
        return blocks[:self.az_count], blocks[self.az_count:2 * self.az_count]


class NetworkRefs(Args):
    """What other components need from a network; build it by hand to reuse an existing VPC."""

    vpc_id: pulumi.Input[str] = arg(doc="The VPC's id.")
    cidr_block: pulumi.Input[str] = arg(doc="The VPC's range (databases admit clients from it).")
    public_subnet_ids: pulumi.Input[list[str]] = arg(
        doc="Subnets of the load balancer and the NAT gateways, one per zone.")
    private_subnet_ids: pulumi.Input[list[str]] = arg(
        doc="Subnets of the instances and databases, one per zone.")


class Network(AwsComponent):
    """VPC, internet gateway, NAT gateways, and public/private subnets in ``az_count`` zones."""

    def __init__(self, name: str, settings: DrSettings, args: NetworkArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        tags = self.tags
        child = self.child()
        zones = aws.get_availability_zones_output(state="available",
                                                  opts=invoke_opts(self.provider))

        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=args.cidr_block,
                               enable_dns_support=True, enable_dns_hostnames=True,
                               tags={**tags, "Name": name}, opts=child)
        # Adopted with no rules: AWS then removes the default allow-all rules.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=self.vpc.id,
                                     tags={**tags, "Name": f"{name}-default (unused)"},
                                     opts=child)
        self.flow_logs = self._flow_logs(name, args)
        gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id,
                                          tags={**tags, "Name": name}, opts=child)
        public_table = aws.ec2.RouteTable(
            f"{name}-public", vpc_id=self.vpc.id, tags={**tags, "Name": f"{name}-public"},
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            opts=child)

        public_cidrs, private_cidrs = args.subnet_cidrs()
        self.public_subnets: list[aws.ec2.Subnet] = []
        self.private_subnets: list[aws.ec2.Subnet] = []
        nat_ids: list[pulumi.Output[str]] = []
        for index in range(args.az_count):
            zone = zones.names.apply(functools.partial(_zone, index=index))
            public = aws.ec2.Subnet(f"{name}-public-{index}", vpc_id=self.vpc.id,
                                    cidr_block=public_cidrs[index], availability_zone=zone,
                                    tags={**tags, "Name": f"{name}-public-{index}"}, opts=child)
            aws.ec2.RouteTableAssociation(f"{name}-public-{index}", subnet_id=public.id,
                                          route_table_id=public_table.id, opts=child)
            self.public_subnets.append(public)
            if index == 0 or args.nat_gateways == "per-az":
                address = aws.ec2.Eip(f"{name}-nat-{index}", domain="vpc",
                                      tags={**tags, "Name": f"{name}-nat-{index}"}, opts=child)
                nat = aws.ec2.NatGateway(
                    f"{name}-nat-{index}", allocation_id=address.id, subnet_id=public.id,
                    tags={**tags, "Name": f"{name}-nat-{index}"},
                    opts=self.child(depends_on=[gateway]))
                nat_ids.append(nat.id)
            private = aws.ec2.Subnet(f"{name}-private-{index}", vpc_id=self.vpc.id,
                                     cidr_block=private_cidrs[index], availability_zone=zone,
                                     tags={**tags, "Name": f"{name}-private-{index}"}, opts=child)
            table = aws.ec2.RouteTable(
                f"{name}-private-{index}", vpc_id=self.vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0",
                                                    nat_gateway_id=nat_ids[-1])],
                tags={**tags, "Name": f"{name}-private-{index}"}, opts=child)
            aws.ec2.RouteTableAssociation(f"{name}-private-{index}", subnet_id=private.id,
                                          route_table_id=table.id, opts=child)
            self.private_subnets.append(private)

        self.refs = NetworkRefs(
            vpc_id=self.vpc.id, cidr_block=self.vpc.cidr_block,
            public_subnet_ids=pulumi.Output.all(*[s.id for s in self.public_subnets]),
            private_subnet_ids=pulumi.Output.all(*[s.id for s in self.private_subnets]))
        self.register_outputs({
            "vpc_id": self.vpc.id,
            "public_subnet_ids": self.refs.public_subnet_ids,
            "private_subnet_ids": self.refs.private_subnet_ids,
        })

    def _flow_logs(self, name: str, args: NetworkArgs) -> aws.cloudwatch.LogGroup:
        """Every flow of the VPC, to an encrypted log group, through a role that may write
        only there."""
        tags = self.tags
        child = self.child()
        account = Account(self.provider)
        group_name = f"/drkit/vpc-flow-logs/{name}"
        key = self.customer_key(f"{name}-flow-logs-key", f"{name} VPC flow logs", services=[],
                                log_groups=[group_name])
        group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs", name=group_name, kms_key_id=key.arn,
            retention_in_days=args.flow_log_retention_days, tags=tags,
            opts=self.stateful())
        role = aws.iam.Role(
            f"{name}-flow-logs", description=f"VPC flow logs of {name}", tags=tags, opts=child,
            assume_role_policy=pulumi.Output.json_dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    # Only flow logs of this account and region (confused deputy).
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account.id},
                        "ArnLike": {"aws:SourceArn": account.arn("ec2", "vpc-flow-log/*")}}}]}))
        policy = aws.iam.RolePolicy(
            f"{name}-flow-logs", role=role.id, opts=child,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [
                {"Sid": "WriteTheFlowLogGroup", "Effect": "Allow",
                 "Action": ["logs:CreateLogStream", "logs:PutLogEvents",
                            "logs:DescribeLogStreams"],
                 "Resource": [group.arn, pulumi.Output.concat(group.arn, ":*")]},
                {"Sid": "FindTheGroup", "Effect": "Allow", "Action": ["logs:DescribeLogGroups"],
                 "Resource": [account.arn("logs", "log-group:*")]}]}))
        aws.ec2.FlowLog(
            f"{name}-flow-logs", vpc_id=self.vpc.id, traffic_type="ALL",
            log_destination_type="cloud-watch-logs", log_destination=group.arn,
            iam_role_arn=role.arn, tags={**tags, "Name": name},
            opts=self.child(depends_on=[policy]))
        return group


def _zone(names: list[str], index: int) -> str:
    if index >= len(names):
        raise ValueError(f"NetworkArgs.az_count: the region has only {len(names)} available "
                         f"zones ({', '.join(names)}); lower az_count")
    return names[index]
