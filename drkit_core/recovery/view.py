"""What the recovery model reads of a resource: the small protocol every consumer can give.

:class:`policies.model.ResourceView` (CrossGuard and ``drkit check``) has exactly these
attributes; :func:`view_of` builds the same from a recorded :class:`~drkit_core.graph.Resource`
for ``drkit assess`` and ``drkit runbook``. Values a preview cannot know (CrossGuard's unknown
sentinels, offline secrets) read as absent: the model never counts on what it cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from drkit_core.graph import Resource
from drkit_core.wire import SECRET_PLACEHOLDER

IDENTITY_OUTPUTS = ("arn", "name", "bucket", "identifier", "selfLink", "connectionName")
"""Outputs kept beside the inputs: what other resources hold to point at this one (the same
list ``drkit check`` merges into its stack views)."""

_UNKNOWN_PREFIXES = ("1c4a061d-", "3eeb2bf0-", "04da6b54-", "6a19a0b0-", "030794c1-",
                     "e48ece36-", "dd056dcd-")
"""CrossGuard's sentinels for values unknown during a preview (pulumi_policy.proxy)."""


class Viewable(Protocol):
    """A resource as the model reads it (``policies.model.ResourceView`` is one)."""

    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def urn(self) -> str: ...
    @property
    def props(self) -> Mapping[str, Any]: ...
    @property
    def region(self) -> str | None: ...
    @property
    def property_dependencies(self) -> Mapping[str, Sequence[str]]: ...


@dataclass(frozen=True)
class View:
    """A plain :class:`Viewable`."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    region: str | None = None
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)


def view_of(resource: Resource) -> View:
    """A recorded resource as ``drkit check`` shows it to stack rules: its inputs, with its
    identity (id, ARN, names) under them."""
    identity = {k: resource.outputs[k] for k in IDENTITY_OUTPUTS if k in resource.outputs}
    if resource.id:
        identity["id"] = resource.id
    return View(type=resource.type, name=resource.name, urn=resource.urn,
                props={**identity, **resource.inputs}, region=resource.region,
                property_dependencies=resource.property_dependencies)


def views_of(resources: Iterable[Resource]) -> list[View]:
    """The managed resources of a run, as views."""
    return [view_of(r) for r in resources if r.managed]


def known(value: Any) -> Any:
    """``value``, or None when a preview cannot know it."""
    if isinstance(value, str) and (value == SECRET_PLACEHOLDER or (
            len(value) == 36 and value.startswith(_UNKNOWN_PREFIXES))):
        return None
    return value


def get(view: Viewable, path: str) -> Any:
    """The value at a dotted path (one-item block lists are stepped into); None when absent
    or unknown."""
    value: Any = view.props
    for key in path.split("."):
        value = known(value)
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = value[0] if value else None
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return known(value)


def items(view: Viewable, path: str) -> list[Any]:
    """A list input (a lone object counts as a one-item list); unknown items are dropped."""
    value = get(view, path)
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [v for v in value if known(v) is not None]
    return [value]


def block(value: Any) -> Mapping[str, Any]:
    """A nested block as a mapping (Pulumi may send a one-item list)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if value else None
    return value if isinstance(value, Mapping) else {}


def number(value: Any) -> int | None:
    """An integer input (Pulumi sends numbers as floats; text digits count)."""
    value = known(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def identities(view: Viewable) -> set[str]:
    """Strings another resource may hold to point at ``view``: ARN, id, names."""
    found = {v for k in ("arn", "id", "selfLink", "connectionName", "bucket", "identifier",
                         "name")
             if isinstance(v := known(view.props.get(k)), str) and v}
    bucket = known(view.props.get("bucket"))
    if view.type.startswith("aws:s3/") and isinstance(bucket, str) and bucket:
        found.add(f"arn:aws:s3:::{bucket}")
    return found


def arn_region(arn: Any) -> str | None:
    """``eu-west-1`` from ``arn:aws:rds:eu-west-1:123456789012:db:x``."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return (parts[3] or None) if len(parts) > 3 else None
