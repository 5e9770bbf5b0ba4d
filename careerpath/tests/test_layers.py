"""The layering of docs/architecture.md: what `lint-imports` cannot see, checked here.

import-linter (the contracts in pyproject.toml, run by `make lint`) checks every import, a function's
included. These tests make sure nothing escapes it: every app of the project is one of its root
packages, and no import of another app hides inside a function (the way cycles used to be dodged).
"""

import ast
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def project_packages():
    """The project's own top-level packages that the site runs: its installed apps and careerpath."""
    local = {config.name.split(".")[0] for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    return local | {"careerpath"}


def app_modules(package):
    """The package's source files, without its tests and migrations."""
    for path in sorted((ROOT / package).rglob("*.py")):
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
            yield path


def imports_inside_functions(tree):
    """(line, module) of every import statement inside a function, except an AppConfig's `ready()`,
    where Django wants an app to import what it registers in the hooks of the apps below."""
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and function.name != "ready":
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    yield from ((node.lineno, alias.name) for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    yield node.lineno, node.module


def cross_app_imports_inside_functions(packages):
    found = set()
    for package in sorted(packages):
        for path in app_modules(package):
            for _line, module in imports_inside_functions(ast.parse(path.read_text(), str(path))):
                top = module.split(".")[0]
                if top in packages and top != package:
                    found.add((str(path.relative_to(ROOT)), module))
    return found


def test_every_app_of_the_project_is_in_the_import_contracts():
    assert project_packages() <= set(CONFIG["root_packages"]), "add the new app to pyproject.toml's layers"


def test_the_finder_sees_an_import_of_another_app_inside_a_function():
    tree = ast.parse("def f():\n    if True:\n        from teams.selectors import x\n    import os\n")
    assert sorted(imports_inside_functions(tree)) == [(3, "teams.selectors"), (4, "os")]


def test_the_finder_leaves_an_app_configs_ready_alone():
    tree = ast.parse("class C:\n    def ready(self):\n        from assessments import hooks\n")
    assert list(imports_inside_functions(tree)) == []


def test_no_import_of_another_app_hides_inside_a_function():
    found = cross_app_imports_inside_functions(project_packages())
    assert not found, f"import at the top of the module, or offer a hook (docs/architecture.md): {found}"
