"""drkit's default app: what an instance runs until the real app replaces it (the standby
tiers' ``user_data`` / ``startup_script``). Standard library only; run by the instance's
python3 as a systemd service (components/app.py writes the unit).

- ``HEALTH_PATH`` answers 200 while the process runs: liveness, probed by the load balancer
  and the group's autohealing in every region, active or not.
- ``SERVING_PATH`` answers 200 only while this region takes writes: on AWS, while the RDS
  instance ``DB_IDENTIFIER`` is not a read replica (asked of RDS with the instance profile and
  cached ``CACHE_SECONDS``); without ``DB_IDENTIFIER``, whenever the app runs. Route53 probes
  it, so DNS never sends clients to a region whose database is read-only.
"""

import json
import os
import subprocess
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ["APP_PORT"])
HEALTH = os.environ["HEALTH_PATH"]
SERVING = os.environ.get("SERVING_PATH", "")
REGION = os.environ.get("REGION", "")
DATABASE = os.environ.get("DB_IDENTIFIER", "")
CACHE_SECONDS = float(os.environ.get("CACHE_SECONDS", "15"))
_last = {"at": -1e9, "writer": False}


def writer() -> bool:
    """Whether this region's database is the writer (not a read replica)."""
    if not DATABASE:
        return True
    if time.monotonic() - _last["at"] < CACHE_SECONDS:
        return bool(_last["writer"])
    try:
        out = subprocess.run(
            ["aws", "rds", "describe-db-instances", "--region", REGION,
             "--db-instance-identifier", DATABASE, "--output", "json"],
            capture_output=True, timeout=10, check=True).stdout
        found = json.loads(out)["DBInstances"][0]
        answer = not found.get("ReadReplicaSourceDBInstanceIdentifier")
    except (OSError, ValueError, KeyError, IndexError, subprocess.SubprocessError):
        answer = False
    _last.update(at=time.monotonic(), writer=answer)
    return answer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == HEALTH:
            self.reply(200, "ok")
        elif SERVING and self.path == SERVING:
            if writer():
                self.reply(200, "serving: the database here takes writes")
            else:
                self.reply(503, "not serving: the database here is a read replica")
        else:
            self.reply(200, f"drkit default app in {REGION}")

    def reply(self, status: int, text: str) -> None:
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per probe would flood the journal


if __name__ == "__main__":
    ThreadingHTTPServer(("", PORT), Handler).serve_forever()
