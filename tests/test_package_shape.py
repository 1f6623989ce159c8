"""The package's shape: dependencies point one way, and importing costs nothing heavy."""

import ast
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


@pytest.mark.parametrize("verb", ["--help", "run --help", "check --help"])
def test_help_needs_no_display(verb):
    out = subprocess.run([sys.executable, "-m", "agent.cli", *verb.split()], capture_output=True, text=True,
                         cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)}, timeout=60)
    assert out.returncode == 0 and "Usage:" in out.stdout, out.stderr
