"""Regenerate the vendored Pulumi -> Terraform mappings in ``drkit/data``.

``python -m drkit.export.generate`` writes:

- ``tf_aws.json`` from the curated ``tf_aws_types.yaml`` (Terraform type -> pulumi-aws tokens)
  and the installed pulumi-aws SDK: which inputs are single-item blocks (an ``...Args`` object),
  list blocks (a list of ``...Args``) or maps, and Terraform's singular name of each list block.
- ``tf_gcp.json`` from pulumi-gcp's bridge metadata (``../shared/reference/
  pulumi-gcp-bridge-metadata.json``, or ``--gcp-metadata FILE``): every ``google_*`` resource's
  token and its list and single-item blocks.

Each entry of a type's ``blocks`` is keyed by the Terraform name: ``{"one": 1}`` marks a
single-item block (a plain object on both sides), ``"pulumi"`` gives Pulumi's name when it is
not the camelCase of Terraform's (Pulumi pluralises list blocks), ``"blocks"`` the nested ones.
Inputs not listed are scalars, lists of scalars, or maps (keys kept as they are).

``tests/test_tfplan_mapping.py`` checks that the vendored files equal what this produces.
"""

from __future__ import annotations

import argparse
import collections.abc
import importlib
import json
import keyword
import sys
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from drkit_core.naming import camel, plural, snake

DATA = Path(__file__).resolve().parents[2] / "drkit_core" / "data"
AWS_TYPES = DATA / "tf_aws_types.yaml"
AWS_JSON = DATA / "tf_aws.json"
GCP_JSON = DATA / "tf_gcp.json"
GCP_METADATA = (Path(__file__).resolve().parents[3] / "shared" / "reference"
                / "pulumi-gcp-bridge-metadata.json")
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
GCP_PROVIDER = "registry.terraform.io/hashicorp/google"

Blocks = dict[str, dict[str, Any]]


# -- AWS: curated types, shapes from the SDK -------------------------------------------------

def aws_mapping() -> dict[str, Any]:
    curated = yaml.safe_load(AWS_TYPES.read_text())
    list_names: Mapping[str, str] = curated.get("list_names") or {}
    types: dict[str, Any] = {}
    for tf_type, tokens in curated["types"].items():
        args = _args_class(tokens[0])
        types[tf_type] = {"tokens": list(tokens),
                          "blocks": _sdk_blocks(args, list_names, f"{tf_type}.")}
    return {"generated_by": "python -m drkit.export.generate",
            "source": f"{AWS_TYPES.name} and pulumi-aws {_version('pulumi_aws')}",
            "provider": AWS_PROVIDER, "types": types}


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package.replace("_", "-"))


def _args_class(token: str) -> type:
    """``aws:s3/bucketVersioning:BucketVersioning`` -> ``pulumi_aws.s3.BucketVersioningArgs``."""
    package, middle, name = token.split(":")
    module_name = middle.split("/")[0]
    if keyword.iskeyword(module_name):  # pulumi_aws.lambda_
        module_name += "_"
    module = importlib.import_module(f"pulumi_{package}.{module_name}")
    resource = getattr(module, name, None)
    if resource is None:
        raise SystemExit(f"{token}: no class {name} in {module.__name__}")
    source = sys.modules[resource.__module__]
    if f"'{token}'" not in Path(str(source.__file__)).read_text():
        raise SystemExit(f"{token}: {resource.__module__} does not register this token")
    for candidate in (f"{name}Args", f"{name}InitArgs"):
        if candidate in getattr(source, "__all__", ()):
            return typing.cast(type, getattr(source, candidate))
    raise SystemExit(f"{token}: no input class in {resource.__module__}")


def _sdk_blocks(args: type, list_names: Mapping[str, str], where: str) -> Blocks:
    import pulumi._types as pulumi_types

    blocks: Blocks = {}
    for pulumi_name, hint in pulumi_types.input_type_types(args).items():
        kind, element = _shape(hint)
        if kind == "object":
            entry: dict[str, Any] = {"one": 1}
            tf_name = snake(pulumi_name)
        elif kind == "list":
            entry = {}
            tf_name = list_names.get(f"{where}{pulumi_name}") or (
                _singular(snake(pulumi_name)) if element is not None else snake(pulumi_name))
        else:
            continue
        if camel(tf_name) != pulumi_name:
            entry["pulumi"] = pulumi_name
        if element is not None:
            nested = _sdk_blocks(element, list_names, f"{where}{pulumi_name}.")
            if nested:
                entry["blocks"] = nested
        if entry or element is not None:
            blocks[tf_name] = entry
    return dict(sorted(blocks.items()))


def _shape(hint: Any) -> tuple[str, type | None]:
    """``("object", Args)``, ``("list", Args or None)``, ``("map", None)`` or ``("scalar",
    None)`` for an SDK input type hint."""
    import pulumi._types as pulumi_types
    from pulumi.output import Output

    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is getattr(__import__("types"), "UnionType", None):
        members = [m for m in typing.get_args(hint) if m is not type(None)
                   and typing.get_origin(m) not in (collections.abc.Awaitable, Output)
                   and m is not Output]
        return _shape(members[0]) if members else ("scalar", None)
    if origin in (collections.abc.Sequence, list):
        kind, element = _shape(typing.get_args(hint)[0])
        return "list", element if kind == "object" else None
    if origin in (collections.abc.Mapping, dict):
        return "map", None
    if isinstance(hint, type) and pulumi_types.is_input_type(hint):
        return "object", hint
    return "scalar", None


def _singular(word: str) -> str:
    """Terraform's (singular) name of a block Pulumi pluralised: ``rules`` -> ``rule``."""
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"),
                                ("shes", "sh"), ("ases", "as"), ("uses", "us"), ("s", "")):
        stem = word[: -len(suffix)] + replacement
        if word.endswith(suffix) and not word.endswith("ss") and plural(stem) == word:
            return stem
    return word


# -- GCP: from the bridge metadata -----------------------------------------------------------

def gcp_mapping(metadata_path: Path) -> dict[str, Any]:
    metadata = json.loads(metadata_path.read_text())
    resources = metadata["auto-aliasing"]["resources"]
    types: dict[str, Any] = {}
    for tf_type in sorted(resources):
        info = resources[tf_type]
        token = info.get("current")
        if not token:
            continue
        types[tf_type] = {"tokens": [token], "blocks": _metadata_blocks(info.get("fields", {}))}
    return {"generated_by": "python -m drkit.export.generate",
            "source": f"pulumi-gcp bridge metadata ({metadata_path.name})",
            "provider": GCP_PROVIDER, "types": types}


def _metadata_blocks(fields: Mapping[str, Any]) -> Blocks:
    blocks: Blocks = {}
    for tf_name in sorted(fields):
        field = fields[tf_name]
        one = bool(field.get("maxItemsOne"))
        entry: dict[str, Any] = {"one": 1} if one else {}
        pulumi_name = camel(tf_name) if one else camel(plural(tf_name))
        if pulumi_name != camel(tf_name):
            entry["pulumi"] = pulumi_name
        nested = _metadata_blocks(field.get("elem", {}).get("fields", {}))
        if nested:
            entry["blocks"] = nested
        blocks[tf_name] = entry
    return blocks


# -- entry point -----------------------------------------------------------------------------

def dump(mapping: Mapping[str, Any]) -> str:
    """The vendored files' exact text (one type per line keeps diffs readable)."""
    head = {k: v for k, v in mapping.items() if k != "types"}
    lines = [json.dumps(head, sort_keys=True)[:-1] + ', "types": {']
    items = sorted(mapping["types"].items())
    for index, (tf_type, spec) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        lines.append(f"{json.dumps(tf_type)}: {json.dumps(spec, sort_keys=True)}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gcp-metadata", type=Path, default=GCP_METADATA)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a vendored file differs from what would be written")
    args = parser.parse_args(argv)
    outputs = {AWS_JSON: dump(aws_mapping())}
    if args.gcp_metadata.exists():
        outputs[GCP_JSON] = dump(gcp_mapping(args.gcp_metadata))
    else:
        print(f"{args.gcp_metadata} not found: {GCP_JSON.name} left as it is", file=sys.stderr)
    stale = [path for path, text in outputs.items()
             if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"{path} is stale: run python -m drkit.export.generate", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(outputs[path])
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
