"""Realistic results of the common pulumi-gcp data sources (invokes).

Every invoke already gets a value for each property of its result class; the functions here
replace them, for the data sources programs commonly read, with what Google Cloud would answer:
zones named after the region, the project's number, its service agents, published ranges...
"""

from __future__ import annotations

from typing import Any

from drkit.engine.values.data import tables
from drkit.engine.values.generators import TIMESTAMP, Gen, unique_id
from drkit.engine.values.subject import ZONES_PER_REGION, Subject, gcp_project_number, sha
from drkit_core import regions


def _zones(s: Subject) -> dict[str, Any]:
    return {"id": f"projects/{s.project}/regions/{s.region}", "project": s.project,
            "region": s.region, "status": s.text("status") or "UP",
            "names": regions.zone_names(s.region, "gcp", ZONES_PER_REGION)}


def _project(s: Subject) -> dict[str, Any]:
    project = s.text("projectId") or s.ctx.gcp_project
    return {"id": f"projects/{project}", "projectId": project, "name": project,
            "number": gcp_project_number(project), "orgId": str(int(sha("org")[:10], 16) % 10**12),
            "autoCreateNetwork": True, "billingAccount": "000000-000000-000000",
            "deletionPolicy": "PREVENT", "folderId": ""}


def _project_list(s: Subject) -> dict[str, Any]:
    project = _project(s)
    entry = {"projectId": project["projectId"], "name": project["name"],
             "number": project["number"], "lifecycleState": "ACTIVE", "createTime": TIMESTAMP,
             "labels": {}, "parent": {"type": "organization", "id": project["orgId"]}}
    return {"id": s.text("filter") or "projects", "projects": [entry]}


def _image(s: Subject) -> dict[str, Any]:
    family = s.text("family")
    name = s.text("name") or (f"{family}-v20250101" if family else "debian-12-bookworm-v20250101")
    guess = next((project for word, project in tables().image_projects
                  if word in (family or name)), "debian-cloud")
    project = s.text("project") or guess
    path = f"projects/{project}/global/images/{name}"
    return {"id": path, "name": name, "family": family or name.rsplit("-v", 1)[0],
            "project": project, "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
            "status": "READY", "diskSizeGb": 10, "archiveSizeBytes": 1073741824,
            "creationTimestamp": TIMESTAMP, "description": name}


def _network(s: Subject) -> dict[str, Any]:
    name = s.text("name") or "default"
    path = f"projects/{s.project}/global/networks/{name}"
    return {"id": path, "name": name, "project": s.project,
            "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
            "gatewayIpv4": "", "subnetworksSelfLinks": []}


def _default_service_account(s: Subject) -> dict[str, Any]:
    email = f"{s.project_number}-compute@developer.gserviceaccount.com"
    return {"id": f"projects/{s.project}/serviceAccounts/{email}", "email": email,
            "name": f"projects/{s.project}/serviceAccounts/{email}", "project": s.project,
            "displayName": "Compute Engine default service account",
            "member": f"serviceAccount:{email}", "uniqueId": unique_id(s)}


def _storage_service_account(s: Subject) -> dict[str, Any]:
    email = f"service-{s.project_number}@gs-project-accounts.iam.gserviceaccount.com"
    return {"id": email, "emailAddress": email, "member": f"serviceAccount:{email}",
            "project": s.project}


def _key_ring(s: Subject) -> dict[str, Any]:
    name = s.text("name")
    path = f"projects/{s.project}/locations/{s.text('location') or s.region}/keyRings/{name}"
    return {"id": path, "name": name, "project": s.project}


def _crypto_key(s: Subject) -> dict[str, Any]:
    path = f"{s.text('keyRing')}/cryptoKeys/{s.text('name')}"
    return {"id": path, "purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "7776000s",
            "primaries": [{"name": f"{path}/cryptoKeyVersions/1", "state": "ENABLED"}]}


def _netblocks(s: Subject) -> dict[str, Any]:
    kind = s.text("rangeType") or "cloud-netblocks"
    blocks = list(tables().netblocks.get(kind, ()))
    return {"id": kind, "rangeType": kind, "cidrBlocks": blocks,
            "cidrBlocksIpv4s": [b for b in blocks if ":" not in b],
            "cidrBlocksIpv6s": [b for b in blocks if ":" in b]}


GCP_DATA_SOURCES: dict[str, Gen] = {
    "gcp:compute/getzones:getzones": _zones,
    "gcp:organizations/getproject:getproject": _project,
    "gcp:projects/getproject:getproject": _project_list,
    "gcp:compute/getimage:getimage": _image,
    "gcp:compute/getnetwork:getnetwork": _network,
    "gcp:compute/getdefaultserviceaccount:getdefaultserviceaccount": _default_service_account,
    "gcp:storage/getprojectserviceaccount:getprojectserviceaccount": _storage_service_account,
    "gcp:kms/getkmskeyring:getkmskeyring": _key_ring,
    "gcp:kms/getkmscryptokey:getkmscryptokey": _crypto_key,
    "gcp:compute/getnetblockipranges:getnetblockipranges": _netblocks,
}
"""Data-source results by lower-cased token."""
