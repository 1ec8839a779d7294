"""Renderers of a :class:`~drkit_core.findings.Report`: text for people, JSON, SARIF, JUnit XML."""

from __future__ import annotations

from collections.abc import Callable

from drkit.report import as_json, junit, sarif, text
from drkit_core.findings import Report

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": as_json.render,
    "sarif": sarif.render,
    "junit": junit.render,
}


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)
