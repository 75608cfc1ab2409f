"""The project's own checks, run by the README's test command: ruff and marimo check."""

from __future__ import annotations

import subprocess
import sys

from conftest import NOTEBOOKS, ROOT


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_marimo_check_is_clean() -> None:
    notebooks = sorted(NOTEBOOKS.glob("*.py"))
    assert notebooks, "no notebook found"
    result = subprocess.run([sys.executable, "-m", "marimo", "check", *map(str, notebooks)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
