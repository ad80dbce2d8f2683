"""The package's import graph: runtime never imports training, and runtime imports point one way.

The graph is read from the source (every `import` / `from ... import`, at module level or inside a
function, except those under `if TYPE_CHECKING:`), so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import newsfuse

ROOT = Path(newsfuse.__file__).resolve().parent
TRAINING = "newsfuse.training"


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package) for every .py under `root`."""
    out = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (path, package)
    return out


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return getattr(t, "id", None) == "TYPE_CHECKING" or getattr(t, "attr", None) == "TYPE_CHECKING"


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the newsfuse modules it imports (`from pkg import sub` counts as `pkg.sub` when a module)."""
    mods = _modules(root)
    graph: dict[str, set[str]] = {}
    for name, (path, package) in mods.items():
        here = name if package else name.rpartition(".")[0]
        found: set[str] = set()

        def visit(node: ast.AST) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _type_checking(child):
                    for other in child.orelse:
                        visit(other)
                    continue
                if isinstance(child, ast.Import):
                    found.update(a.name for a in child.names)
                elif isinstance(child, ast.ImportFrom):
                    if child.level:
                        base = here.split(".")[: len(here.split(".")) - (child.level - 1)]
                        target = ".".join(base + ([child.module] if child.module else []))
                    else:
                        target = child.module or ""
                    for a in child.names:
                        sub = f"{target}.{a.name}"
                        found.add(sub if sub in mods else target)
                visit(child)

        visit(ast.parse(path.read_text(encoding="utf-8")))
        graph[name] = {m for m in found if m in mods and m != name}
    return graph


def _unit(module: str) -> str:
    """The top-level part of the package a module belongs to (`newsfuse.store.update` -> `newsfuse.store`)."""
    return ".".join(module.split(".")[:2])


def training_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((m, d) for m, deps in graph.items() if not m.startswith(TRAINING)
                  for d in deps if d.startswith(TRAINING))


def unit_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles between top-level parts of the runtime (a package's own modules may refer to its __init__)."""
    units: dict[str, set[str]] = {}
    for m, deps in graph.items():
        if m.startswith(TRAINING):
            continue
        units.setdefault(_unit(m), set()).update(_unit(d) for d in deps if _unit(d) != _unit(m))
    cycles = []
    for start in sorted(units):  # depth-first from each unit back to itself
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(units.get(node, ())):
                if nxt == start:
                    cycles.append(path + [start])
                elif nxt not in seen and nxt > start:  # each cycle once, from its smallest unit
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    return cycles


def test_graph_sees_lazy_imports() -> None:
    graph = import_graph()
    assert "newsfuse.understand" in graph["newsfuse.scale"]  # module level
    assert "newsfuse.nlp.fastner" in graph["newsfuse.nlp.loading"]  # inside a function
    assert "newsfuse.nlp" in graph["newsfuse.training.fastner"]


def test_runtime_never_imports_training() -> None:
    assert training_imports(import_graph()) == []


def test_runtime_imports_point_one_way() -> None:
    assert unit_cycles(import_graph()) == []


def test_checks_catch_a_training_import_and_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "newsfuse"
    (pkg / "training").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "training" / "__init__.py").write_text("")
    (pkg / "training" / "fit.py").write_text("from .. import pipeline\n")
    (pkg / "pipeline.py").write_text("def run():\n    from . import scale\n")
    (pkg / "scale.py").write_text("def work():\n    from .pipeline import run\n    from .training import fit\n")
    graph = import_graph(pkg)
    assert training_imports(graph) == [("newsfuse.scale", "newsfuse.training.fit")]
    assert unit_cycles(graph) == [["newsfuse.pipeline", "newsfuse.scale", "newsfuse.pipeline"]]


def test_reading_a_store_or_serving_it_does_not_import_the_nlp_pipeline() -> None:
    """`newsfuse --help`, `stories`, `show` and `serve` start without spaCy and the stages (the pipeline is imported
    by the commands that analyse text, and by `newsfuse.fuse` on first use)."""
    import subprocess
    import sys

    code = ("import sys, newsfuse, newsfuse.cli, newsfuse.store, newsfuse.web; "
            "print(sorted(m for m in ('spacy', 'newsfuse.pipeline', 'newsfuse.brief') if m in sys.modules)); "
            "newsfuse.fuse; print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]" and out[1] == "True"
