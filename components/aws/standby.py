"""Standby compute tier: an internet-facing ALB in front of an Auto Scaling group.

The same component runs in both regions; only its size differs, by the rule in
:func:`components.sizing.standby_capacity` (the active region full; the passive one by tier).
The group spans every private subnet and replaces instances the load balancer reports
unhealthy.

Two health paths, two questions. The ALB's target group probes ``health_check_path``
(liveness: the app runs), in both regions, so a passive region's instances are not replaced
forever. Route53 probes ``serving_path`` through the ALB (this region takes writes now), so DNS
never fails over to a region whose database is a read-only replica, and never fails back on
its own to a diverged old writer (components/aws/failover.py). Without ``user_data`` the
instances run a small default app (components/app.py) that answers both: the serving path
answers 200 only while this region's database (``database_identifier``) is the writer.

Instances run with an instance profile whose only policy is ``instance_policy``: the template
gives it least-privilege access to this region's database, bucket and secret.
"""

from __future__ import annotations

import base64

import pulumi
import pulumi_aws as aws

from components.app import boot_script
from components.args import Args, arg, between, instance_of, matches, one_of
from components.aws.common import AwsComponent, invoke_opts
from components.aws.network import NetworkRefs
from components.base import DrSettings
from components.sizing import ORDERED, Capacity, standby_capacity

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
class StandbyArgs(Args):
    """Inputs of :class:`StandbyTier`."""

    network: NetworkRefs = arg(
        doc="The ALB goes in the public subnets, the instances in all private subnets.",
        allowed=instance_of(NetworkRefs, "a NetworkRefs (a Network's refs)"))
    full_capacity: Capacity = arg(
        default=Capacity(min=2, desired=3, max=6),
        doc="Capacity at full load, run by the active region; the passive one runs a share of "
            "it, per tier.",
        allowed=ORDERED)
    instance_type: str = arg(
        default="t3.medium", doc="EC2 instance type of the Auto Scaling group.",
        allowed=matches(r"[a-z][a-z0-9-]*\.[a-z0-9-]+$", "an EC2 instance type such as "
                                                        "t3.medium"))
    architecture: str = arg(
        default="x86_64",
        doc="Amazon Linux 2023 image architecture (must suit ``instance_type``).",
        allowed=one_of("x86_64", "arm64"))
    app_port: int = arg(
        default=8080, doc="The port instances serve on; the ALB forwards to it.",
        allowed=between(1, 65535))
    health_check_path: str = arg(
        default="/healthz",
        doc="Liveness: answered with 200 while the app runs; the ALB probes it and the group "
            "replaces instances that fail it.",
        allowed=matches("/", "a path starting with /, such as /healthz"))
    serving_path: str = arg(
        default="/healthz/serving",
        doc="Answered with 200 only while this region takes writes; Route53 probes it.",
        allowed=matches("/", "a path starting with /, such as /healthz/serving"))
    certificate_arn: str | None = arg(
        default=None,
        doc="ACM certificate of this region: adds an HTTPS listener and redirects HTTP to it.",
        allowed=matches("arn:aws:acm:", "an ACM certificate ARN (arn:aws:acm:...)"))
    user_data: str | None = arg(
        default=None,
        doc="Boot script of the app (plain text; encoded here). None runs drkit's default app, "
            "which answers the health and serving paths (components/app.py).")
    database_identifier: str | None = arg(
        default=None,
        doc="The RDS identifier of this region's database, whose writer role the default app's "
            "serving path reports; None: the serving path answers like the health path.")
    instance_policy: pulumi.Input[str] | None = arg(
        default=None,
        doc="IAM policy (JSON) of the instances' role: least-privilege access to the app's "
            "database, bucket and secrets. None: the role may do nothing.")
    volume_size_gb: int = arg(
        default=20, doc="Root volume (gp3, encrypted) of each instance.",
        allowed=between(8, 16384))


class StandbyTier(AwsComponent):
    """ALB, target group with a health check, listeners, launch template and Auto Scaling group."""

    def __init__(self, name: str, settings: DrSettings, args: StandbyArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        self.capacity = standby_capacity(settings.intent, args.full_capacity)
        self.region = settings.intent.regions.of(settings.intent.role)
        child = self.child()
        tags = self.tags
        net = args.network
        ports = [80, 443] if args.certificate_arn else [80]

        alb_sg = aws.ec2.SecurityGroup(
            f"{name}-alb", description=f"{name} load balancer", vpc_id=net.vpc_id,
            ingress=[aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=p, to_port=p, cidr_blocks=["0.0.0.0/0"],
                description="web clients") for p in ports],
            egress=[aws.ec2.SecurityGroupEgressArgs(
                protocol="tcp", from_port=args.app_port, to_port=args.app_port,
                cidr_blocks=[net.cidr_block], description="to the instances")],
            tags={**tags, "Name": f"{name}-alb"}, opts=child)
        app_sg = aws.ec2.SecurityGroup(
            f"{name}-app", description=f"{name} instances", vpc_id=net.vpc_id,
            ingress=[aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=args.app_port, to_port=args.app_port,
                security_groups=[alb_sg.id], description="from the load balancer")],
            # Outbound through NAT: packages, AWS APIs, the database.
            egress=[aws.ec2.SecurityGroupEgressArgs(
                protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"],
                description="any")],
            tags={**tags, "Name": f"{name}-app"}, opts=child)

        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb", load_balancer_type="application", internal=False,
            subnets=net.public_subnet_ids, security_groups=[alb_sg.id],
            drop_invalid_header_fields=True,
            # Deleting the entry point of a region is an outage: as protected as the data.
            enable_deletion_protection=settings.protected, tags=tags, opts=child)
        self.protocol = "HTTPS" if args.certificate_arn else "HTTP"
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg", port=args.app_port, protocol="HTTP", target_type="instance",
            vpc_id=net.vpc_id, deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True, protocol="HTTP", path=args.health_check_path, matcher="200",
                interval=15, timeout=5, healthy_threshold=2, unhealthy_threshold=3),
            tags=tags, opts=child)
        self._listeners(name, args, child)

        image = aws.ec2.get_ami_output(
            most_recent=True, owners=["amazon"],
            filters=[aws.ec2.GetAmiFilterArgs(
                name="name", values=[f"al2023-ami-2023.*-{args.architecture}"])],
            opts=invoke_opts(self.provider))
        template = aws.ec2.LaunchTemplate(
            f"{name}-lt", image_id=image.id, instance_type=args.instance_type,
            vpc_security_group_ids=[app_sg.id], update_default_version=True,
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1),
            block_device_mappings=[aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name="/dev/xvda", ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    encrypted="true", volume_type="gp3", volume_size=args.volume_size_gb,
                    delete_on_termination="true"))],
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(
                arn=self._instance_profile(name, args).arn),
            user_data=base64.b64encode(self._user_data(args).encode()).decode(),
            tags=tags, opts=child)
        self.group = aws.autoscaling.Group(
            f"{name}-asg", vpc_zone_identifiers=net.private_subnet_ids,
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)),
            min_size=self.capacity.min, desired_capacity=self.capacity.desired,
            max_size=self.capacity.max, health_check_type="ELB", health_check_grace_period=300,
            target_group_arns=[self.target_group.arn],
            tags=[aws.autoscaling.GroupTagArgs(key=k, value=v, propagate_at_launch=True)
                  for k, v in {**tags, "Name": name}.items()],
            opts=child)

        self.dns_name = self.load_balancer.dns_name
        self.zone_id = self.load_balancer.zone_id
        self.arn = self.load_balancer.arn
        self.register_outputs({"dns_name": self.dns_name, "zone_id": self.zone_id,
                               "arn": self.arn, "group_name": self.group.name,
                               "target_group_arn": self.target_group.arn,
                               "protocol": self.protocol})

    def _user_data(self, args: StandbyArgs) -> str:
        if args.user_data is not None:
            return args.user_data
        return boot_script({"APP_PORT": args.app_port, "HEALTH_PATH": args.health_check_path,
                            "SERVING_PATH": args.serving_path, "REGION": self.region,
                            "DB_IDENTIFIER": args.database_identifier or ""})

    def _instance_profile(self, name: str, args: StandbyArgs) -> aws.iam.InstanceProfile:
        """The instances' role: assumed by EC2 only, allowed ``instance_policy`` and nothing
        else (no managed policies)."""
        child = self.child()
        role = aws.iam.Role(
            f"{name}-instances", description=f"{name} instances ({self.region})",
            assume_role_policy=pulumi.Output.json_dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": "ec2.amazonaws.com"}}]}),
            tags=self.tags, opts=child)
        if args.instance_policy is not None:
            aws.iam.RolePolicy(f"{name}-instances", role=role.id, policy=args.instance_policy,
                               opts=child)
        return aws.iam.InstanceProfile(f"{name}-instances", role=role.name, tags=self.tags,
                                       opts=child)

    def _listeners(self, name: str, args: StandbyArgs, child: pulumi.ResourceOptions) -> None:
        forward = aws.lb.ListenerDefaultActionArgs(type="forward",
                                                   target_group_arn=self.target_group.arn)
        if args.certificate_arn is None:
            aws.lb.Listener(f"{name}-http", load_balancer_arn=self.load_balancer.arn, port=80,
                            protocol="HTTP", default_actions=[forward], opts=child)
            return
        aws.lb.Listener(f"{name}-https", load_balancer_arn=self.load_balancer.arn, port=443,
                        protocol="HTTPS", ssl_policy=TLS_POLICY,
                        certificate_arn=args.certificate_arn, default_actions=[forward],
                        opts=child)
        aws.lb.Listener(
            f"{name}-http", load_balancer_arn=self.load_balancer.arn, port=80, protocol="HTTP",
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="redirect", redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                    port="443", protocol="HTTPS", status_code="HTTP_301"))],
            opts=child)
