"""Pieces every AWS component uses: its explicit provider and customer-managed KMS keys."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.base import DrSettings
from drkit.errors import ConfigError


def home_provider(component: str, opts: pulumi.ResourceOptions | None) -> aws.Provider:
    """The explicit AWS provider in ``opts``; drkit components never use the default one.

    A default provider takes its region from ambient config, so a DR stack could silently
    deploy both "regions" into one.
    """
    provider = opts.provider if opts else None
    if not isinstance(provider, aws.Provider):
        raise ConfigError([f"{component}: opts.provider: {provider!r} is not valid; pass "
                           "pulumi.ResourceOptions(provider=aws.Provider(..., region=...))"])
    return provider


def invoke_opts(provider: aws.Provider) -> pulumi.InvokeOutputOptions:
    return pulumi.InvokeOutputOptions(provider=provider)


def customer_key(name: str, settings: DrSettings, description: str, parent: pulumi.Resource,
                 provider: aws.Provider) -> aws.kms.Key:
    """A rotating customer-managed KMS key (protected: losing it loses the data it encrypts).

    30 days of deletion window, the longest AWS allows, to undo a mistaken deletion.
    """
    return aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        tags=settings.all_tags,
        opts=settings.stateful(parent, provider=provider),
    )
