"""Pieces every GCP component uses: its explicit provider, labels, and the project it runs in."""

from __future__ import annotations

import re

import pulumi
import pulumi_gcp as gcp

from components.base import ConfigError, DrSettings

_LABEL_INVALID = re.compile(r"[^a-z0-9_-]")
_LABEL_MAX = 63


def home_provider(component: str, opts: pulumi.ResourceOptions | None) -> gcp.Provider:
    """The explicit GCP provider in ``opts``; drkit components never use the default one.

    A default provider takes its project and region from ambient config, so a DR stack could
    silently deploy both "regions" into one (or into the wrong project).
    """
    provider = opts.provider if opts else None
    if not isinstance(provider, gcp.Provider):
        raise ConfigError([f"{component}: opts.provider: {provider!r} is not valid; pass "
                           "pulumi.ResourceOptions(provider=gcp.Provider(..., project=..., "
                           "region=...))"])
    return provider


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
