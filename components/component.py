"""What every drkit component does on construction, written once.

Before anything is registered, :class:`DrComponent` checks, and reports all at once:

- the explicit provider: ``opts.provider`` must be the cloud's provider. A default provider
  takes its region (and GCP project) from ambient config, so a DR stack could silently deploy
  both "regions" into one;
- the role guard: the stack's ``drkit:role`` must be one the component belongs in
  (:attr:`DrComponent.ROLES`);
- what the component itself checks against the stack (:meth:`DrComponent.check`): its name,
  inputs that depend on the role, the regions or the residency.

(The args were validated when they were constructed: components/args.py.) Then the component
registers itself as ``drkit:<cloud>:<ClassName>`` and gives its children options
(:meth:`DrComponent.child`, :meth:`DrComponent.stateful`). Each cloud adds its provider type and
its tags or labels (components/aws/common.py, components/gcp/common.py).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

import pulumi

from components.args import Args
from components.base import ConfigError, DrSettings
from drkit_core.errors import invalid
from drkit_core.intent import REGION_ROLES, DrIntent, Role

P = TypeVar("P", bound=pulumi.ProviderResource)


class DrComponent(pulumi.ComponentResource, Generic[P]):
    """Base of every drkit component; a cloud's base sets :attr:`CLOUD` and :attr:`PROVIDER`."""

    CLOUD: ClassVar[str]
    PROVIDER: ClassVar[type[pulumi.ProviderResource]]
    PROVIDER_EXAMPLE: ClassVar[str]
    """How to pass the cloud's provider, for the message when it is missing."""
    ROLES: ClassVar[tuple[Role, ...]] = REGION_ROLES
    """The ``drkit:role`` values of the stacks this component belongs in."""
    WHY_THERE: ClassVar[str] = ""
    """Why it belongs only there, for the role guard's message."""

    def __init__(self, name: str, settings: DrSettings, args: Args,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        provider = opts.provider if opts else None
        problems = []
        if not isinstance(provider, self.PROVIDER):
            problems.append(invalid(f"{self.kind()}: opts.provider", provider,
                                    f"allowed: an explicit provider, {self.PROVIDER_EXAMPLE}"))
        role = settings.intent.role
        if role in self.ROLES:
            problems += self.check(name, settings.intent, args)
        else:
            problems.append(invalid("drkit:role", role.value, self._belongs_in()))
        if problems:
            raise ConfigError(problems)
        super().__init__(f"drkit:{self.CLOUD}:{self.kind()}", name, None, opts)
        self.provider: P = provider  # type: ignore[assignment]  # checked above
        self.settings = settings
        self.intent = settings.intent

    @classmethod
    def kind(cls) -> str:
        return cls.__name__

    @classmethod
    def _belongs_in(cls) -> str:
        stacks = " or the ".join(role.value for role in cls.ROLES)
        why = f": {cls.WHY_THERE}" if cls.WHY_THERE else ""
        return f"{cls.kind()} belongs in the {stacks} stack{why}"

    def check(self, name: str, intent: DrIntent, args: Any) -> list[str]:
        """What the component checks against the stack before registering anything (its name,
        role-dependent inputs...); runs only in a stack of an allowed role. Override it."""
        return []

    def child(self, **options: Any) -> pulumi.ResourceOptions:
        """Options of a child resource."""
        return pulumi.ResourceOptions(parent=self, **options)

    def stateful(self, **options: Any) -> pulumi.ResourceOptions:
        """Options of a child that holds data: protected unless the stack opts out."""
        return self.settings.stateful(self, **options)
