"""Realistic results of the common pulumi-aws data sources (invokes).

Every invoke already gets a value for each property of its result class; the functions here
replace them, for the data sources programs commonly read, with what AWS would answer: zones
named after the region, the AMI a filter asks for, the ELB account of the region...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from drkit.engine.values.data import tables
from drkit.engine.values.generators import TIMESTAMP, Gen, name_servers, pem
from drkit.engine.values.policy_document import render_policy_document
from drkit.engine.values.subject import (
    ZONES_PER_REGION,
    Subject,
    last_segment,
    sha,
    upper_alnum,
    uuid_of,
)
from drkit_core import regions


def _filter_values(s: Subject, name: str) -> list[str]:
    values: list[str] = []
    for item in s.items("filters"):
        if isinstance(item, Mapping) and item.get("name") == name:
            values.extend(str(v) for v in item.get("values") or ())
    return values


def _availability_zones(s: Subject) -> dict[str, Any]:
    zones = [(regions.zone_name(s.region, "aws", i), regions.aws_zone_id(s.region, i))
             for i in range(ZONES_PER_REGION)]
    excluded = set(s.items("excludeNames")) | set(s.items("excludeZoneIds"))
    zones = [z for z in zones if z[0] not in excluded and z[1] not in excluded]
    return {"id": s.region, "names": [z[0] for z in zones], "zoneIds": [z[1] for z in zones],
            "state": s.text("state") or "available", "groupNames": [s.region],
            "region": s.region}


def _caller_identity(s: Subject) -> dict[str, Any]:
    account = s.ctx.account_id
    return {"id": account, "accountId": account,
            "arn": f"arn:{s.partition}:sts::{account}:assumed-role/drkit-offline/drkit",
            "userId": f"AROA{upper_alnum(sha(account), 17)}:drkit"}


def _region(s: Subject) -> dict[str, Any]:
    region = s.text("region") or s.text("name") or s.region
    location = regions.lookup(region, "aws")
    description = location.description if location and location.name == region else None
    return {"id": region, "name": region, "region": region, "description": description or region,
            "endpoint": f"ec2.{region}.amazonaws.com"}


def _partition(s: Subject) -> dict[str, Any]:
    names = tables().partitions[s.partition]
    return {"id": s.partition, "partition": s.partition, "dnsSuffix": names.dns_suffix,
            "reverseDnsPrefix": names.reverse_dns_prefix}


def _ami(s: Subject) -> dict[str, Any]:
    ami = "ami-0" + s.digest[:16]
    pattern = next(iter(_filter_values(s, "name")), "") or s.text("nameRegex")
    arch = "arm64" if "arm64" in pattern or "arm64" in _filter_values(s, "architecture") \
        else "x86_64"
    name = re.sub(r"[*?^$\\]", "", pattern.replace("*", "20250101.0", 1)) or \
        f"al2023-ami-2023.6.20250101.0-kernel-6.1-{arch}"
    owners = [o for o in s.items("owners") if isinstance(o, str) and o.isdigit()]
    owner = owners[0] if owners else tables().amazon_ami_owner
    return {"id": ami, "imageId": ami, "architecture": arch, "name": name, "ownerId": owner,
            "arn": f"arn:{s.partition}:ec2:{s.region}::image/{ami}", "state": "available",
            "imageLocation": f"{owner}/{name}", "rootDeviceName": "/dev/xvda",
            "rootDeviceType": "ebs", "virtualizationType": "hvm", "hypervisor": "xen",
            "platformDetails": "Linux/UNIX", "imageType": "machine", "public": True,
            "creationDate": TIMESTAMP, "description": name, "enaSupport": True}


def _parameter(s: Subject) -> dict[str, Any]:
    name = s.text("name")
    value = f"ami-0{s.digest[:16]}" if "ami" in name.lower() else f"{last_segment(name)}-value"
    return {"id": name, "name": name, "value": value, "insecureValue": value, "type": "String",
            "version": 1,
            "arn": f"arn:{s.partition}:ssm:{s.region}:{s.ctx.account_id}:parameter/"
                   f"{name.lstrip('/')}"}


def _hosted_zone(s: Subject) -> dict[str, Any]:
    """AWS reports zone names without the trailing dot, whichever way they were asked for."""
    zone_id = s.text("zoneId") or "Z" + upper_alnum(sha(s.text("name").rstrip(".")), 13)
    name = s.text("name").rstrip(".") or "example.com"
    servers = name_servers(s)
    return {"id": zone_id, "zoneId": zone_id, "name": name, "nameServers": servers,
            "primaryNameServer": servers[0],
            "arn": f"arn:{s.partition}:route53:::hostedzone/{zone_id}",
            "privateZone": bool(s.inputs.get("privateZone")), "resourceRecordSetCount": 2,
            "callerReference": s.uuid, "comment": "Managed by Pulumi"}


def _vpc_id(s: Subject) -> str:
    return s.text("id") or "vpc-0" + s.hexes("vpc")[:16]


def _vpc(s: Subject) -> dict[str, Any]:
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


def _subnets(s: Subject) -> dict[str, Any]:
    return {"id": s.region, "ids": [f"subnet-0{s.hexes(str(i))[:16]}" for i in range(3)]}


def _subnet(s: Subject) -> dict[str, Any]:
    subnet = s.text("id") or "subnet-0" + s.digest[:16]
    return {"id": subnet, "vpcId": s.text("vpcId") or _vpc_id(s),
            "availabilityZone": s.text("availabilityZone") or regions.zone_name(s.region, "aws"),
            "cidrBlock": s.text("cidrBlock") or "10.0.1.0/24",
            "arn": f"arn:{s.partition}:ec2:{s.region}:{s.ctx.account_id}:subnet/{subnet}",
            "ownerId": s.ctx.account_id, "state": "available"}


def _kms_key(s: Subject) -> dict[str, Any]:
    """``key_id`` may be a key id, a key ARN, an alias name or an alias ARN."""
    asked = s.text("keyId")
    last = asked.rsplit("key/", 1)[-1]
    key = last if re.fullmatch(r"[0-9a-f-]{36}", last) else uuid_of(sha(asked))
    aws_managed = "alias/aws/" in asked
    arn = f"arn:{s.partition}:kms:{s.region}:{s.ctx.account_id}:key/{key}"
    return {"id": key, "keyId": asked or key, "arn": arn, "enabled": True,
            "keyState": "Enabled", "keyManager": "AWS" if aws_managed else "CUSTOMER",
            "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT",
            "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS",
            "multiRegion": False, "creationDate": TIMESTAMP}


def _certificate(s: Subject) -> dict[str, Any]:
    arn = f"arn:{s.partition}:acm:{s.region}:{s.ctx.account_id}:certificate/{s.uuid}"
    return {"id": arn, "arn": arn, "domain": s.text("domain"), "status": "ISSUED",
            "certificate": pem("CERTIFICATE")(s), "certificateChain": pem("CERTIFICATE")(s)}


def _elb_service_account(s: Subject) -> dict[str, Any]:
    accounts = tables().elb_accounts
    account = accounts.get(s.region, accounts["us-east-1"])
    return {"id": account, "arn": f"arn:{s.partition}:iam::{account}:root", "region": s.region}


AWS_DATA_SOURCES: dict[str, Gen] = {
    "aws:index/getavailabilityzones:getavailabilityzones": _availability_zones,
    "aws:index/getcalleridentity:getcalleridentity": _caller_identity,
    "aws:index/getregion:getregion": _region,
    "aws:index/getpartition:getpartition": _partition,
    "aws:ec2/getami:getami": _ami,
    "aws:ssm/getparameter:getparameter": _parameter,
    "aws:iam/getpolicydocument:getpolicydocument": lambda s: render_policy_document(s.inputs),
    "aws:route53/getzone:getzone": _hosted_zone,
    "aws:ec2/getvpc:getvpc": _vpc,
    "aws:ec2/getsubnets:getsubnets": _subnets,
    "aws:ec2/getsubnet:getsubnet": _subnet,
    "aws:kms/getkey:getkey": _kms_key,
    "aws:acm/getcertificate:getcertificate": _certificate,
    "aws:elb/getserviceaccount:getserviceaccount": _elb_service_account,
}
"""Data-source results by lower-cased token."""
