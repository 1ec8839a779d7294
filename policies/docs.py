"""The README's policy section, generated from the rule registry.

    python -m policies.docs            # print the section
    python -m policies.docs --write    # rewrite it in README.md (between the policies markers)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policies.model import Rule, Scope
from policies.registry import RULES

START, END = "<!-- policies:start -->", "<!-- policies:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"

USAGE = """\
## Policies: `drkit check` and the CrossGuard pack

The rules below are written once (`policies/rules/`) and run in three places: the CrossGuard
pack in `policies/`, `drkit check` (offline, no credentials), and checkov adapters.

```sh
.venv/bin/drkit check stacks/aws-warm-standby                     # every stack, text
.venv/bin/drkit check stacks/aws-warm-standby --stack primary --format json
.venv/bin/drkit check stacks/* --format sarif -o drkit.sarif      # several projects at once
.venv/bin/drkit check . --policy-pack-config policies/config.example.json
```

`drkit check [PROJECT_DIR ...] [--stack NAME ...] [--policy-pack-config FILE]
[--format text|json|sarif|junit] [--output FILE]` runs each stack offline (default: every
stack of each project) and evaluates the rules as `pulumi preview --policy-pack` would:
enforcement levels `mandatory` (the pack's default), `advisory`, `disabled`, overridden by the
CLI's config file (`{"all": "advisory", "rds-multi-az": "mandatory", "rds-backup-retention":
{"enforcementLevel": "mandatory", "minDays": 14}}`). A value that cannot be known before
deployment is reported as unknown, not as a violation. App rules (`DR-APP-*`) judge the primary
and secondary stacks of one `drkit:app` together, when both are checked in one call. Rules that
read the DR intent take it from the stack's `drkit:` config, else from their own config
(`role`, `tier`, `rpo`, `jurisdictions`), so they also judge programs written without drkit.
Exit status: 0 without mandatory violations, 1 with any, 2 on a usage, config or program error.
Formats: text (per stack, worst first, with the fix), JSON (`stacks[].violations[]` and a
`summary` by enforcement level), SARIF 2.1.0 for GitHub code scanning (see
`.github/workflows/drkit.yml`), JUnit XML (a test suite per stack, a test case per rule).

With the Pulumi CLI and credentials, the same rules run as a CrossGuard pack:

```sh
pulumi preview --policy-pack policies --policy-pack-config policies/config.example.json
```

The CLI creates the pack's virtualenv (`policies/venv`) from `policies/requirements.txt`
(pulumi-policy and this repository). The pack reads the stack's `drkit:` config; it cannot read
other stacks, so the app rules run only in `drkit check`.

Regenerate this section after changing a rule: `python -m policies.docs --write`.
"""


def _types(rule: Rule) -> str:
    if "*" in rule.types:
        return "every regional resource"
    return "<br>".join(f"`{t}`" for t in rule.types)


def _config(rule: Rule) -> str:
    parts = []
    for key, spec in rule.config.items():
        default = spec.get("default")
        parts.append(f"`{key}`" + (f" = `{default}`" if "default" in spec else ""))
    return ", ".join(parts) or "-"


def table() -> str:
    rows = ["| ID | name | ensures | severity | scope | types | config |",
            "|---|---|---|---|---|---|---|"]
    for rule in RULES:
        scope = "app (offline only)" if rule.scope is Scope.APP else rule.scope.value
        title = rule.title.removeprefix("Ensure ")
        rows.append(f"| {rule.id} | `{rule.name}` | {title} | {rule.severity.value} | {scope} "
                    f"| {_types(rule)} | {_config(rule)} |")
    return "\n".join(rows)


def section() -> str:
    return f"{START}\n{USAGE}\n{table()}\n{END}"


def rewrite(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + section() + tail


def current(text: str) -> str:
    start = text.index(START)
    return text[start:text.index(END, start) + len(END)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policies.docs")
    parser.add_argument("--write", action="store_true", help=f"rewrite {README.name}")
    args = parser.parse_args(argv)
    if args.write:
        README.write_text(rewrite(README.read_text()))
    else:
        sys.stdout.write(section() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
