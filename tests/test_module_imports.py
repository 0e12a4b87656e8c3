"""Every module imports on its own, and no service imports the project inside a function.

A function-local import of another project module is how an import cycle hides: the
application happens to load the modules in an order that works, until something imports
one of them first. Lazy imports of heavy third-party libraries (matplotlib, openpyxl,
docx, holidays) stay allowed: they are not cycles.
"""

import ast
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "taskforce"


def module_names(path=PACKAGE, prefix="taskforce."):
    """Every module of the package, found with pkgutil without importing any."""
    for info in pkgutil.iter_modules([str(path)], prefix):
        yield info.name
        if info.ispkg:
            yield from module_names(path / info.name.rpartition(".")[2], info.name + ".")


def test_every_module_of_the_package_imports_alone_in_a_fresh_process():
    names = ["taskforce", *module_names()]
    assert len(names) > 50 and "taskforce.services.spreadsheets" in names
    done = subprocess.run([sys.executable, "-m", "tests.import_each"], input=json.dumps(names),
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    failures = json.loads(done.stdout)
    assert failures == {}, "\n".join(f"{name}:\n{error}" for name, error in failures.items())


def project_imports_in_functions(path):
    """``(line, module)`` of each import of a taskforce module inside a function of ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                modules = [alias.name for alias in inner.names]
            elif isinstance(inner, ast.ImportFrom):
                modules = ["." * inner.level + (inner.module or "")]
            else:
                continue
            found += [(inner.lineno, module) for module in modules
                      if module.startswith(("taskforce", "."))]
    return sorted(set(found))


def test_no_service_imports_the_project_inside_a_function():
    services = PACKAGE / "services"
    found = [f"{path.relative_to(ROOT)}:{line}: {module}"
             for path in sorted(services.rglob("*.py"))
             for line, module in project_imports_in_functions(path)]
    assert found == [], "imports that hide a cycle:\n" + "\n".join(found)


def test_the_scan_sees_imports_nested_in_functions_and_methods(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom taskforce import jobs\n\n"
                      "def f():\n    import holidays\n    from taskforce.services import kpi\n\n"
                      "class C:\n    def m(self):\n        def inner():\n"
                      "            import taskforce.scheduler\n            from . import x\n",
                      encoding="utf-8")
    assert project_imports_in_functions(sample) == [
        (6, "taskforce.services"), (11, "taskforce.scheduler"), (12, ".")]
    assert os.path.isdir(PACKAGE / "services")
