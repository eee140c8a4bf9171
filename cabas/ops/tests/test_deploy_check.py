"""``manage.py check --deploy`` is clean with the production environment of deploy/."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _production_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "DEBUG"))
    }
    for line in (ROOT / "deploy" / "cabas.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            env[key] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["SECURE_SSL_REDIRECT"] = "1"
    # The check reads settings only: no database, no Redis connection is opened.
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "") or "sqlite:///:memory:"
    return env


def test_check_deploy_reports_nothing_with_the_production_environment():
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout
