"""Settings come from the environment; bad values stop the start with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-secret-key-for-this-test-only-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "plan.example.org",
}


def manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "misschien"}, "DEBUG='misschien' is not a boolean"),
        ({"DEBUG": "false"}, "SECRET_KEY is not set"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        (
            {"DEBUG": "true", "EMAIL_PORT": "vijfentwintig"},
            "EMAIL_PORT='vijfentwintig' is not a whole number",
        ),
        ({"DEBUG": "true", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL cannot be read"),
    ],
)
def test_bad_setting_fails_at_start_with_clear_message(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_mode_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_demo_accounts_refused_in_production():
    result = manage("laad_demo", **PRODUCTION)
    assert result.returncode != 0
    assert "productie" in result.stderr
