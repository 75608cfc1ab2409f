"""The package's layers stay true: nothing in a lower layer imports a higher one.

From the bottom up (README, "Layout"):

1. contract: the workbook's schema, the dataset, the error types, the words and formats;
2. calculations: every other top-level module of ``roi_core`` (kpis, scenario, ...);
3. edges that read and write data: ``io``, ``importers``, ``engines``, ``store``;
4. ``charts``;  5. ``outputs``;  6. ``app``;  7. ``cli``.

A module may import its own layer and the layers below. Every import counts, at the top
of a module or inside a function, ``TYPE_CHECKING`` or not: an import that only a type
hint needs still ties the layers together.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "roi_core"

CONTRACT = {"schema", "dataset", "errors", "safety", "problems", "formatting"}
SUBPACKAGES = {"io": 3, "importers": 3, "engines": 3, "store": 3, "charts": 4, "outputs": 5,
               "app": 6, "cli": 7}
NAMES = {1: "contract", 2: "calculations", 3: "io/importers/engines/store", 4: "charts",
         5: "outputs", 6: "app", 7: "cli"}


def layer_of(module: str) -> int | None:
    """The layer of a dotted module name inside ``roi_core`` (None outside it).

    >>> layer_of("roi_core.kpis"), layer_of("roi_core.errors"), layer_of("roi_core.app.view")
    (2, 1, 6)
    """
    parts = module.split(".")
    if parts[0] != "roi_core":
        return None
    if len(parts) == 1:
        return 0  # the package's curated surface: checked apart
    head = parts[1]
    if head == "__main__":
        return 7
    if head in SUBPACKAGES:
        return SUBPACKAGES[head]
    if (PACKAGE / head).is_dir():
        raise AssertionError(f"roi_core/{head}/ belongs to no layer: add it to SUBPACKAGES")
    return 1 if head in CONTRACT else 2


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            if target in ("roi_core", *(f"roi_core.{s}" for s in SUBPACKAGES)):
                # "from roi_core import charts" imports the module roi_core.charts
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def forbidden_imports(package: Path = PACKAGE) -> list[str]:
    """Every import of a higher layer by a lower one, as ``file:line: a → b`` lines."""
    bad = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join(parts)
        own = layer_of(module)
        seen = set()
        for line, target in _imports(path, module):
            theirs = layer_of(target)
            if theirs is None or theirs == 0:
                continue
            limit = 2 if own == 0 else own  # the package surface offers contract + formulas
            if own == 0 and target.split(".")[1] in ("io",):
                continue  # ... and the loader (load_workbook), its one entry point
            if theirs > limit and line not in seen:
                seen.add(line)
                bad.append(f"{rel}.py:{line}: {module} ({NAMES.get(own, 'package')}) imports "
                           f"{target} ({NAMES[theirs]})")
    return bad


def test_no_lower_layer_imports_a_higher_one():
    assert forbidden_imports() == []


@pytest.mark.parametrize("module, planted", [
    ("kpis.py", "from roi_core.app import view"),
    ("scenario.py", "from roi_core import charts"),
    ("quality.py", "import roi_core.cli.main"),
    ("attribution.py", "from roi_core.outputs.excel import kpi_workbook_bytes"),
    ("errors.py", "from roi_core.kpis import compute_kpis"),
    ("charts/kpi.py", "from roi_core.outputs import report"),
    ("io/read.py", "from roi_core.charts.kpi import funnel_chart"),
])
def test_a_planted_forbidden_import_is_caught(tmp_path, module, planted):
    copy = tmp_path / "roi_core"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _f():\n    {planted}\n",
                      encoding="utf-8")
    found = forbidden_imports(copy)
    assert len(found) == 1 and found[0].startswith(f"roi_core/{module}:"), found


def test_every_subpackage_says_what_it_may_import():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{init}: the docstring says what it may import"
