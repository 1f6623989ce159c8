"""The package's shape: dependencies point one way, no module imports itself in a circle, a
platform's modules do not import another platform's, and importing costs nothing heavy."""

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["torch", "transformers", "pyautogui", "mss", "adbutils", "Xlib", "openpyxl", "pandas", "docx", "pptx", "pypdf"]
# drivers <- tasks <- agent: a package may import only those to its left.
ALLOWED = {"drivers": {"drivers"}, "tasks": {"drivers", "tasks"}, "agent": {"drivers", "tasks", "agent"}}


def modules():
    for package in ALLOWED:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def test_dependencies_point_one_way():
    wrong = []
    for package, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in ALLOWED and top not in ALLOWED[package]:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.lru_cache
def import_graph(*, in_functions: bool) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (at module level; with `in_functions`, also inside
    functions). Imports under `if TYPE_CHECKING:` are not run, so they are not edges."""
    names = {module_name(path) for _, path in modules()}

    def known(name: str) -> str | None:  # the module itself, or the package it is an attribute of
        while name and name not in names:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for _, path in modules():
        me = module_name(path)
        here = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
        edges = graph[me] = set()

        def visit(nodes):
            for node in nodes:
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                    visit(node.orelse)
                    continue
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not in_functions:
                    continue
                if isinstance(node, ast.Import):
                    edges.update(filter(None, (known(a.name) for a in node.names)))
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        base = ".".join(here[:len(here) - node.level + 1] + ([node.module] if node.module else []))
                    for a in node.names:  # `from pkg import mod` imports the module pkg.mod
                        edges.add(f"{base}.{a.name}" if f"{base}.{a.name}" in names else known(base))
                visit(list(ast.iter_child_nodes(node)))

        visit(ast.parse(path.read_text(encoding="utf-8")).body)
        edges.discard(None)
        edges.discard(me)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """Each import cycle found, as 'a -> b -> a' (one per back edge of a depth-first search)."""
    found, state = [], {}

    def walk(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                walk(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node, [])
    return found


def test_the_graph_sees_imports_and_cycles():
    graph = import_graph(in_functions=True)
    assert {"tasks.osworld.cache", "tasks.task", "tasks.osworld.chrome"} <= graph["tasks.osworld.steps.browser"]
    assert "tasks.home" in graph["tasks.osworld.steps.files"]  # three dots up
    assert "drivers.android.driver" in graph["drivers.android"]  # the lazy re-export
    assert "drivers.android.driver" not in import_graph(in_functions=False)["drivers.android"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}) == ["a -> b -> c -> a"]


def test_no_import_cycles():
    assert cycles(import_graph(in_functions=False)) == []


def test_no_import_cycles_in_drivers_and_tasks_even_through_lazy_imports():
    """A lazy import that closes a circle is a circle all the same (tasks.osworld.cache once
    imported the loader, which imports it back)."""
    graph = {m: e for m, e in import_graph(in_functions=True).items() if m.startswith(("drivers", "tasks"))}
    assert cycles(graph) == []


@pytest.mark.parametrize("package", ["drivers", "tasks"])
def test_platforms_do_not_import_each_other(package):
    """A phone's modules need nothing of X11's, and the other way round."""
    graph = import_graph(in_functions=True)
    platforms = [f"{package}.android", f"{package}.desktop"]
    wrong = [f"{m} imports {t}" for m, targets in graph.items() for t in targets for mine in platforms
             for other in platforms if other != mine and _within(m, mine) and _within(t, other)]
    assert wrong == []


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_tests_take_fixtures_as_arguments_and_never_import_conftest():
    wrong = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            wrong += [f"{path.relative_to(ROOT)} imports {n}" for n in names if n.split(".")[-1] == "conftest"]
    assert wrong == []


def test_importing_any_module_loads_nothing_heavy():
    names = [".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for _, path in modules()]
    code = (
        "import importlib, json, sys\n"
        f"names = {names!r}\n"
        "for n in names: importlib.import_module(n)\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("verb", ["--help", "run --help", "check --help", "cache --help"])
def test_help_needs_no_display(verb):
    out = subprocess.run([sys.executable, "-m", "agent.cli", *verb.split()], capture_output=True, text=True,
                         cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)}, timeout=60)
    assert out.returncode == 0 and "Usage:" in out.stdout, out.stderr
