"""Plausible provider-computed values for programs run offline under Pulumi's mocks.

A real provider computes ids, ARNs, endpoints, DNS names, certificate data and so on; programs
read them (``lb.dns_name.apply(...)``, ``cert.domain_validation_options[0]...``) and break or
silently get ``None`` when a mock leaves them out. This package fills them in from the provider
SDK itself: the resource class (or an invoke's result class) named by the token lists every
output property with its wire name and Python type (:mod:`.sdk`), and each property gets a value
shaped like the real one (:mod:`.generators`), named after the resource (:mod:`.subject`, with
the id and ARN templates of ``drkit/data``, :mod:`.data`). Common data sources answer as the
cloud would (:mod:`.aws_data_sources`, :mod:`.gcp_data_sources`, :mod:`.policy_document`).

Everything is derived from a sha256 of the resource's URN (or of an invoke's token and args), so
two runs of the same program produce the same ids and values, in any process. Per-token work
(importing the SDK module, reading type hints, choosing a generator per property) is cached; a
call then only runs one small generator per property.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from drkit.engine.values.aws_data_sources import AWS_DATA_SOURCES
from drkit.engine.values.data import tables
from drkit.engine.values.gcp_data_sources import GCP_DATA_SOURCES
from drkit.engine.values.generators import plan
from drkit.engine.values.sdk import function_result_class, resource_class
from drkit.engine.values.subject import Context, Subject, id_for

__all__ = ["Context", "invoke_result", "physical_id", "resource_state"]

_DATA_SOURCES = {**AWS_DATA_SOURCES, **GCP_DATA_SOURCES}


def physical_id(token: str, name: str, urn: str, inputs: Mapping[str, Any], ctx: Context) -> str:
    """The id a provider would give this resource: deterministic, unique per URN, real-shaped."""
    s = Subject(token, name, urn, inputs, "", ctx)
    if token.startswith("pulumi:providers:"):
        return s.uuid
    return id_for(s) or (s.format(tables().gcp_fallback_id) if s.pkg == "gcp" else s.name)


def resource_state(token: str, name: str, urn: str, inputs: Mapping[str, Any],
                   physical_id: str, ctx: Context) -> dict[str, Any]:
    """A copy of ``inputs`` plus a plausible value for every output the provider computes."""
    state = {key: value for key, value in inputs.items() if value is not None}
    if token.startswith("pulumi:providers:"):
        return state
    cls = resource_class(token)
    if cls is None:
        return state
    s = Subject(token, name, urn, inputs, physical_id, ctx)
    for wire, generate in plan(s.pkg, s.mod, cls, 0):
        if wire not in state:
            state[wire] = generate(s)
    return state


def invoke_result(token: str, args: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """The properties an invoke (data source) returns, realistic for the common ones."""
    cls = function_result_class(token)
    pkg = token.split(":", 1)[0]
    if cls is None:
        return dict(args) if pkg in ("aws", "gcp") else {}
    canonical = json.dumps(args, sort_keys=True, default=str)
    fn = token.rsplit(":", 1)[-1]
    s = Subject(token, fn, f"{token}?{canonical}", args, "", ctx)
    result: dict[str, Any] = {}
    for wire, generate in plan(s.pkg, s.mod, cls, 0):
        value = args.get(wire)
        result[wire] = value if value is not None else generate(s)
    special = _DATA_SOURCES.get(token.lower())
    if special is not None:
        result.update(special(s))
    return result
