"""Pieces every GCP component uses: its base (explicit provider, labels) and the project it
runs in."""

from __future__ import annotations

import re

import pulumi
import pulumi_gcp as gcp

from components.args import matches
from components.base import DrSettings
from components.component import DrComponent

_LABEL_INVALID = re.compile(r"[^a-z0-9_-]")
_LABEL_MAX = 63

PORT_NAME = matches(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", "a named port such as http")
"""What a named port of an instance group may be called (the groups' and the backend's)."""


class GcpComponent(DrComponent[gcp.Provider]):
    """Base of the GCP components: an explicit ``gcp.Provider`` and the stack's labels."""

    CLOUD = "gcp"
    PROVIDER = gcp.Provider
    PROVIDER_EXAMPLE = ("pulumi.ResourceOptions(provider=gcp.Provider(..., project=..., "
                        "region=...))")

    @property
    def labels(self) -> dict[str, str]:
        return labels(self.settings)


def invoke_opts(provider: gcp.Provider) -> pulumi.InvokeOutputOptions:
    return pulumi.InvokeOutputOptions(provider=provider)


def project_id(provider: gcp.Provider) -> pulumi.Output[str]:
    """The provider's project, as GCP reports it."""
    project = gcp.organizations.get_project_output(opts=invoke_opts(provider))
    return project.project_id.apply(lambda value: str(value))


def label(text: str) -> str:
    """A GCP label key or value: lower-case letters, digits, ``_`` and ``-``, 63 at most."""
    return _LABEL_INVALID.sub("-", text.lower())[:_LABEL_MAX]


def labels(settings: DrSettings) -> dict[str, str]:
    """The settings' tags as GCP labels: ``drkit:app`` becomes ``drkit-app``."""
    return {label(key): label(value) for key, value in settings.all_tags.items()}
