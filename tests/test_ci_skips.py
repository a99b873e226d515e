"""The CI rule of conftest.py (CI=true): a skipped test fails the run, also a module
skipped while it is collected (importorskip, a module-level skip), and a deselected test;
a PostgreSQL-only test may skip on SQLite. Each case is a small suite run by pytest in a
process of its own, with a copy of the project's conftest.py."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

CONFTEST = Path(settings.BASE_DIR) / "conftest.py"


def run(tmp_path: Path, tests: str, *args: str, ci: bool = True) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text(encoding="utf-8"))
    (tmp_path / "test_suite.py").write_text(tests)
    # A test that always runs and passes: the exit status is the rule's, not "no tests ran".
    (tmp_path / "test_other.py").write_text("def test_passes():\n    pass\n")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cultuurregio.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "DEBUG": "true",
        "SECRET_KEY": "test-only-not-secret",
    }
    env.pop("CI", None)
    env.pop("PYTEST_ADDOPTS", None)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:django",
         "-p", "no:randomly", "--rootdir", str(tmp_path), "-c", os.devnull, *args,
         str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


IMPORTORSKIP = '''
import pytest
pytest.importorskip("a_module_that_is_not_installed")

def test_never_runs():
    pass
'''

MODULE_SKIP = '''
import pytest
pytest.skip("not today", allow_module_level=True)

def test_never_runs():
    pass
'''

TWO_TESTS = '''
def test_one():
    pass

def test_two():
    pass
'''

SQLITE_SKIP = '''
import pytest

@pytest.mark.skipif(True, reason="needs PostgreSQL (CI runs it there)")
def test_on_postgresql_only():
    pass

def test_everywhere():
    pass
'''


@pytest.mark.parametrize("tests", [IMPORTORSKIP, MODULE_SKIP], ids=["importorskip", "module"])
def test_a_module_skipped_at_collection_fails_the_ci_run(tmp_path, tests):
    result = run(tmp_path, tests)

    assert result.returncode == 1, result.stdout
    assert "Tests were skipped or deselected in CI" in result.stdout
    assert "test_suite.py (whole module)" in result.stdout


def test_a_module_skipped_at_collection_is_fine_outside_ci(tmp_path):
    assert run(tmp_path, IMPORTORSKIP, ci=False).returncode == 0


def test_a_deselected_test_fails_the_ci_run(tmp_path):
    result = run(tmp_path, TWO_TESTS, "-k", "one")

    assert result.returncode == 1, result.stdout
    assert "test_suite.py::test_two: deselected" in result.stdout
    assert run(tmp_path, TWO_TESTS, "-k", "one", ci=False).returncode == 0


def test_every_test_running_passes_the_ci_run(tmp_path):
    assert run(tmp_path, TWO_TESTS).returncode == 0


def test_a_postgresql_only_test_may_skip_on_sqlite_in_ci(tmp_path):
    result = run(tmp_path, SQLITE_SKIP)

    if "postgres" in os.environ.get("DATABASE_URL", ""):
        assert result.returncode == 1, result.stdout
    else:
        assert result.returncode == 0, result.stdout
