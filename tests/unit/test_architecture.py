"""Import boundaries: only engine/ talks to Docker, and the core packages never import Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "inspector"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def _python_files(*, outside: str | None = None, inside: str | None = None) -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    if outside is not None:
        files = [f for f in files if not f.is_relative_to(PACKAGE / outside)]
    if inside is not None:
        files = [f for f in files if f.is_relative_to(PACKAGE / inside)]
    return files


def test_package_has_modules() -> None:
    assert len(_python_files()) > 5


@pytest.mark.parametrize("path", _python_files(outside="engine"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_engine_imports_docker(path: Path) -> None:
    assert "docker" not in _imported_modules(path)


@pytest.mark.parametrize(
    "path",
    [f for package in ("rules", "report", "model") for f in _python_files(inside=package)],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_core_does_not_import_textual(path: Path) -> None:
    assert "textual" not in _imported_modules(path)


@pytest.mark.parametrize("module", ["inspector.engine.raw", "inspector.engine.endpoint", "inspector.cli"])
def test_early_read_modules_load_no_sdk_or_pydantic(module: str) -> None:
    # `dsc-tui scan` starts reading a local engine with these loaded; the heavy imports must come
    # after, while the read runs, or the read waits for them.
    code = f"import sys, {module}; print(sorted(m for m in ('docker', 'requests', 'pydantic', 'rich') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
