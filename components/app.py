"""The boot script of drkit's default app (components/data/health_app.py), for both clouds'
standby tiers: it installs the app and runs it as a systemd service, so a fresh instance
answers the health checks before the real app exists. Both images the tiers use (Amazon Linux
2023, Debian 12) ship python3 and systemd; the AWS one also the AWS CLI the serving check
calls."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from importlib import resources

APP_PATH = "/opt/drkit/health_app.py"
SERVICE = "drkit-health-app"


def app_source() -> str:
    return resources.files("components").joinpath("data", "health_app.py").read_text(
        encoding="utf-8")


def boot_script(environment: Mapping[str, str | int]) -> str:
    """A bash boot script running the default app with ``environment`` (``APP_PORT``,
    ``HEALTH_PATH``, and optionally ``SERVING_PATH``, ``REGION``, ``DB_IDENTIFIER``) as an
    unprivileged systemd service that restarts when it stops."""
    env = " ".join(f"{key}={shlex.quote(str(value))}"
                   for key, value in sorted(environment.items()))
    return "\n".join([
        "#!/bin/bash",
        "# drkit's default app: answers the health checks until the real app replaces this.",
        "set -euo pipefail",
        f"install -d -m 0755 {shlex.quote(APP_PATH.rsplit('/', 1)[0])}",
        f"cat > {APP_PATH} <<'DRKIT_APP'",
        app_source().rstrip("\n"),
        "DRKIT_APP",
        f"cat > /etc/systemd/system/{SERVICE}.service <<'DRKIT_UNIT'",
        "[Unit]",
        "Description=drkit default app (health and serving checks)",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        f"Environment={env} HOME=/var/lib/{SERVICE}",
        f"ExecStart=/usr/bin/python3 {APP_PATH}",
        "DynamicUser=yes",
        f"StateDirectory={SERVICE}",
        "Restart=always",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "DRKIT_UNIT",
        "systemctl daemon-reload",
        f"systemctl enable --now {SERVICE}.service",
        "",
    ])
