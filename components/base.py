"""What every drkit component shares, on any cloud: the stack's settings and the error it
raises.

Every component takes ``(name, settings: DrSettings, args: <Component>Args, opts)``. The
settings carry the stack's :class:`~drkit_core.intent.DrIntent`, the tags and the protection flag,
so those look the same everywhere. The pieces built on them: components/args.py (arguments
declared once, one validator), components/component.py (what every component does on
construction), components/sizing.py (the rules that turn an intent into sizes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from drkit_core import errors
from drkit_core.intent import DrIntent, namespace_values


class ConfigError(errors.ConfigError, pulumi.RunError):
    """Invalid stack config or component input. A ``pulumi.RunError`` too, so a real
    ``pulumi up`` prints the message without a traceback, as drkit does."""


def config_values(namespace: str) -> dict[str, str]:
    """Every ``namespace:key`` value of the running program's stack config, without the
    prefix (the language host's config, else ``PULUMI_CONFIG``, as ``pulumi.Config`` reads)."""
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return namespace_values(merged, namespace)


def load_intent() -> DrIntent:
    """The running stack's complete ``drkit:`` intent; call it first, so a config mistake
    fails before any resource exists."""
    try:
        return DrIntent.from_config(config_values("drkit"))
    except errors.ConfigError as error:
        raise ConfigError(error.problems) from None


@dataclass(frozen=True)
class DrSettings:
    """What every component of one stack shares."""

    intent: DrIntent
    """The stack's validated ``drkit:`` config: app, role, tier, RPO/RTO, regions."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags, merged over the default ``drkit:*`` tags."""
    protect: bool | None = None
    """Protect stateful resources (databases, buckets, keys, vaults) against deletion.
    None means the intent's ``drkit:protect`` (true unless the stack opts out)."""

    @property
    def protected(self) -> bool:
        return self.intent.protect if self.protect is None else self.protect

    @property
    def all_tags(self) -> dict[str, str]:
        defaults = {"drkit:app": self.intent.app, "drkit:role": self.intent.role.value,
                    "drkit:tier": self.intent.tier.value}
        return {**defaults, **self.tags}

    def stateful(self, parent: pulumi.Resource, **options: Any) -> pulumi.ResourceOptions:
        """Options for a child that holds data: protected unless the stack opts out."""
        return pulumi.ResourceOptions(parent=parent, protect=self.protected, **options)
