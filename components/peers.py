"""Reading the app's other stacks: what their last ``pulumi up`` exported.

The stacks of an app talk only through StackReferences. A StackReference reads the Pulumi
state backend, not the cloud, so a stack can read another whose region is down (keep the
backend outside both app regions). Who reads whom follows ``drkit:active`` and never forms a
cycle: the passive region's stack reads the active one's, the global stack reads both, the
active region's stack reads none (it points at its peer by names it can derive, see
:func:`peer_name`).

A stack that was ``pulumi stack init``-ed but never deployed has no outputs: :class:`Peer`
says so (:attr:`Peer.deployed`), so a program can leave out what needs the other stack on the
first deployment instead of failing. Values are passed on as Outputs of the StackReference
(:meth:`Peer.output`), so they keep their secrecy and the dependency on the reference; the
decisions are taken on the outputs as deployed, read once when the program starts (they are
known in previews too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime.sync_await import _sync_await

from drkit_core.intent import Role


@dataclass(frozen=True)
class Peer:
    """Another stack of the app, as its last ``pulumi up`` left it in the backend."""

    stack: str
    reference: pulumi.StackReference
    outputs: Mapping[str, Any]
    """Its outputs as deployed; empty when it has never been deployed."""

    @property
    def deployed(self) -> bool:
        return bool(self.outputs)

    @property
    def active(self) -> Role | None:
        """The ``drkit:active`` the stack was last deployed with (its ``active`` output)."""
        value = self.outputs.get("active")
        return Role(value) if value in ("primary", "secondary") else None

    def output(self, name: str) -> pulumi.Output[Any]:
        """One output, as an Output of the reference (secret if the stack made it secret)."""
        return self.reference.require_output(name)


def read(stack: str) -> Peer:
    """The stack named ``stack`` (as ``drkit:stacks`` names it), read through a
    StackReference. The outputs are awaited here, at program time, the way Pulumi's own
    synchronous invokes wait for their result, so a program can decide what to declare."""
    reference = pulumi.StackReference(stack)
    outputs = _sync_await(reference.outputs.future())
    return Peer(stack, reference, dict(outputs or {}))
