"""Pulumi mocks that record every resource a program declares.

:class:`RecordingMonitor` replaces the SDK's ``MockMonitor.RegisterResource`` so that it also
keeps what the mock API does not pass on (parent, dependencies, provider, protect, the
program line), and :class:`Recorder` answers resource registrations, reads and invokes with
plausible provider-computed values from :mod:`drkit.engine.values`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from google.protobuf import struct_pb2
from pulumi.runtime import mocks, rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from drkit.engine import values
from drkit_core import regions
from drkit_core.graph import Resource

STACK_REFERENCE = "pulumi:pulumi:StackReference"

ReferenceResolver = Callable[[str], "dict[str, Any] | None"]
"""Returns a referenced stack's outputs, or None when that stack has not been run yet."""


class MissingStackReference(Exception):
    """Raised inside a run when a StackReference's stack must be run first."""

    def __init__(self, name: str) -> None:
        super().__init__(f"stack {name!r} has not been run yet")
        self.name = name


class Recorder(mocks.Mocks):
    """Answers the mock monitor and keeps the record of one stack's run."""

    def __init__(self, config: Mapping[str, str], resolve_reference: ReferenceResolver) -> None:
        self.resources: dict[str, Resource] = {}
        self.missing_references: list[str] = []
        self._resolve_reference = resolve_reference
        self._provider_regions: dict[str, str | None] = {}
        self._provider_projects: dict[str, str] = {}
        self._default_regions = {"aws": config.get("aws:region"), "gcp": config.get("gcp:region")}
        self._gcp_project = config.get("gcp:project") or values.Context(None).gcp_project

    # -- registrations -------------------------------------------------------------------

    def register(self, urn: str, request: Any, inputs: dict[str, Any]) -> tuple[str, dict]:
        custom = bool(request.custom)
        provider = request.provider or ""
        region = self._region(request.type, inputs, provider) if custom else None
        resource = Resource(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=custom,
            inputs=plain(inputs),
            secret_inputs=secret_keys(inputs),
            parent=request.parent or None,
            dependencies=list(dict.fromkeys(request.dependencies)),
            property_dependencies={k: list(v.urns) for k, v in
                                   request.propertyDependencies.items()},
            provider=provider.rsplit("::", 1)[0] if provider else None,
            region=region,
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            source=_source(request),
        )
        if not custom:
            self.resources[urn] = resource
            return "", {}
        ctx = self._context(region, provider)
        resource.id = values.physical_id(request.type, request.name, urn, inputs, ctx)
        state = values.resource_state(request.type, request.name, urn, inputs, resource.id, ctx)
        resource.outputs = state
        if request.type.startswith("pulumi:providers:"):
            ref = f"{urn}::{resource.id}"
            self._provider_regions[ref] = region
            if isinstance(inputs.get("project"), str):
                self._provider_projects[ref] = inputs["project"]
        self.resources[urn] = resource
        return resource.id, state

    def read(self, urn: str, request: Any, state: dict[str, Any]) -> dict[str, Any]:
        """A ``Resource.get`` or a StackReference: the resource exists elsewhere."""
        if request.type == STACK_REFERENCE:
            name = str(state.get("name", request.id))
            outputs = self._resolve_reference(name)
            if outputs is None:
                self.missing_references.append(name)
                raise MissingStackReference(name)
            result = {"name": name, "outputs": outputs, "secretOutputNames": []}
            region = None
        else:
            region = self._region(request.type, state, request.provider or "")
            ctx = self._context(region, request.provider or "")
            result = values.resource_state(request.type, request.name, urn, state, request.id,
                                           ctx)
        self.resources[urn] = Resource(
            urn=urn, type=request.type, name=request.name, custom=True, inputs=plain(state),
            parent=request.parent or None, dependencies=list(request.dependencies),
            provider=(request.provider or "").rsplit("::", 1)[0] or None, region=region,
            id=request.id, outputs=result, read=True, source=_source(request))
        return result

    # -- the Mocks interface (reads and invokes) -----------------------------------------

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict]:
        raise AssertionError("registrations and reads go through RecordingMonitor")

    def call(self, args: mocks.MockCallArgs) -> dict:  # type: ignore[override]
        # A plain dict: the SDK iterates the failures of a (result, failures) tuple.
        package = args.token.split(":", 1)[0]
        region = self._provider_regions.get(args.provider or "") if args.provider else None
        region = region or regions.own_region(args.args) or self._default_regions.get(package)
        return values.invoke_result(args.token, args.args,
                                    self._context(region, args.provider or ""))

    # -- helpers -------------------------------------------------------------------------

    def _context(self, region: str | None, provider: str = "") -> values.Context:
        project = self._provider_projects.get(provider, self._gcp_project)
        return values.Context(region=region, gcp_project=project)

    def _region(self, token: str, inputs: Mapping[str, Any], provider: str) -> str | None:
        own = regions.own_region(inputs)
        if own:
            return own
        if token.startswith("pulumi:providers:"):
            return None
        if provider:
            return self._provider_regions.get(provider)
        return self._default_regions.get(token.split(":", 1)[0])


class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, passing the whole registration request to the recorder."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(recorder)
        self.recorder = recorder

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs shaped as the real engine makes them: the root stack's type is not in its
        children's type chain (the SDK's mock monitor puts it there)."""
        if parent and parent.split("::")[2] == _ROOT_TYPE:
            parent = ""
        return super().make_urn(parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        id_, state = self.recorder.register(urn, request, inputs)
        obj_proto = serialize_state(state)
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, id_, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj_proto)

    def ReadResource(self, request: Any) -> Any:
        _ensure_event_loop()
        state = rpc.deserialize_properties(request.properties)
        urn = self.make_urn(request.parent, request.type, request.name)
        result = self.recorder.read(urn, request, state)
        props_proto = serialize_state(result)
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, request.id, result)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=props_proto)


def serialize_state(state: dict[str, Any]) -> struct_pb2.Struct:
    """The wire form of a resource's state.

    The state is plain JSON (inputs as deserialized, plus drkit's values), for which a Struct
    built directly equals the SDK's ``serialize_properties`` at a sixth of the cost (measured:
    66 us against 440 us a resource; tests/test_engine.py keeps them equal). Anything else
    (resource references, assets, Outputs) goes the SDK's way.
    """
    struct = struct_pb2.Struct()
    try:
        struct.update(state)
    except (TypeError, ValueError):
        return _sync_await(rpc.serialize_properties(state, {}))
    return struct


def _source(request: Any) -> tuple[str, int] | None:
    with contextlib.suppress(AttributeError, ValueError):
        position = request.sourcePosition
        if position.uri:
            return position.uri.removeprefix("file://"), int(position.line)
    return None


_SECRET_SIG = rpc._special_sig_key
_ROOT_TYPE = "pulumi:pulumi:Stack"


def secret_keys(inputs: Mapping[str, Any]) -> list[str]:
    """Top-level inputs that the program marked secret."""
    return sorted(k for k, v in inputs.items() if _is_secret(v))


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(_SECRET_SIG) == rpc._special_secret_sig


def plain(value: Any) -> Any:
    """JSON-ready copy: whole floats become ints (Pulumi sends every number as a float)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        if _is_secret(value):  # keep the value (offline it is a placeholder)
            return plain(value.get("value"))
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, pulumi.Resource):
        return f"<resource {type(value).__name__}>"
    return value
