"""Imports go one way: a module imports what it uses at its top, never inside a function to get
round an import cycle (issue 13, part 5). A cycle is broken by moving the helper to the layer
below, passing the value in, or importing at the top when there was no cycle after all. An
import under `if TYPE_CHECKING:` is only for annotations and is allowed anywhere."""

import ast
from collections.abc import Iterator
from pathlib import Path

import afterclass

PACKAGE = Path(afterclass.__file__).parent


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_afterclass(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "afterclass"
    return any(alias.name.split(".")[0] == "afterclass" for alias in node.names)


def function_local_imports(source: str) -> list[tuple[int, str]]:
    """(line, statement) of every import of `afterclass` made inside a function or method."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if (
            in_function
            and isinstance(node, ast.Import | ast.ImportFrom)
            and _imports_afterclass(node)
        ):
            found.append((node.lineno, ast.unparse(node)))
        in_function = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.orelse:  # its body only names types
                    visit(statement, in_function)
            else:
                visit(child, in_function)

    visit(ast.parse(source), in_function=False)
    return found


def _modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" not in parts and "migrations" not in parts:
            yield path


def _offenders(paths: Iterator[Path]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {statement}"
        for path in paths
        for line, statement in function_local_imports(path.read_text(encoding="utf-8"))
    ]


def test_function_local_imports_found_in_functions_and_methods_only() -> None:
    source = """
from typing import TYPE_CHECKING
from afterclass.core.errors import NotFound

if TYPE_CHECKING:
    from afterclass.people.models import Person

def top():
    from afterclass.spaces.models import Space
    if TYPE_CHECKING:
        from afterclass.posts.models import Post
    import json

class Thing:
    def method(self):
        if True:
            import afterclass.polls.models
        from . import sibling
"""
    assert function_local_imports(source) == [
        (9, "from afterclass.spaces.models import Space"),
        (17, "import afterclass.polls.models"),
        (18, "from . import sibling"),
    ]


def test_imports_at_module_level_in_every_app() -> None:
    offenders = _offenders(_modules())
    assert not offenders, (
        "Import at the top of the module; if that makes a cycle, move the helper to the layer "
        "below or pass the value in (docs/ARCHITECTURE.md, Import direction):\n"
        + "\n".join(offenders)
    )


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported_modules(path: Path) -> set[str]:
    """The `afterclass` modules a module imports when it is loaded (not those imported under
    `if TYPE_CHECKING:`, which name types only); `from a import b` counts `a.b` when b is a
    module."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.orelse:
                    visit(statement)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            elif isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*up, base] if base else up)
                found.update(
                    f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base
                    for alias in child.names
                )
            else:
                visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name.split(".")[0] == "afterclass"}


def test_the_search_index_never_imports_the_tasks_that_run_it() -> None:
    # The actions queue reindexing through core/indexing.py, which search/queue.py fills in with
    # the tasks, which import the index: the index itself imports neither (it used to queue its
    # own tasks).
    index = imported_modules(PACKAGE / "search" / "index.py")
    assert "afterclass.search.tasks" not in index
    assert "afterclass.search.queue" not in index
    assert "afterclass.search.tasks" in imported_modules(PACKAGE / "search" / "queue.py")
    assert "afterclass.search.index" in imported_modules(PACKAGE / "search" / "tasks.py")


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None  # afterclass.<app>.<module>


def app_imports() -> dict[str, set[str]]:
    """For each app, the other apps its modules import when loaded."""
    found: dict[str, set[str]] = {}
    for path in _modules():
        app = _app_of(_module_name(path))
        if app is None:
            continue
        others = {_app_of(name) for name in imported_modules(path)} - {app, None}
        found.setdefault(app, set()).update(other for other in others if other is not None)
    return found


def two_way_pairs() -> set[tuple[str, str]]:
    imports = app_imports()
    return {
        (app, other)
        for app, others in imports.items()
        for other in others
        if app < other and app in imports.get(other, set())
    }


# Apps that still import each other, each in one module or another (issue 13, part 5): the
# direction between them is the work left (docs/ARCHITECTURE.md, Import direction). `api` is the
# root that mounts every app's router (what the routers use is core/api.py); posts' composer
# still claims the API's idempotency keys. No pair may be added; take a pair off once one of its
# directions is gone.
TWO_WAY_APPS = frozenset(
    {
        ("api", "posts"),
        ("insights", "learning"),
        ("insights", "posts"),
        ("insights", "spaces"),
        ("learning", "posts"),
        ("notifications", "posts"),
        ("notifications", "spaces"),
        ("outbox", "worker"),
        ("people", "posts"),
        ("posts", "spaces"),
        ("spaces", "surveys"),
    }
)


def test_imported_modules_resolves_submodules_and_skips_type_checking() -> None:
    imported = imported_modules(PACKAGE / "search" / "queue.py")
    assert "afterclass.search.tasks" in imported  # `from afterclass.search import tasks`
    assert "afterclass.search" not in imported
    presentation = imported_modules(PACKAGE / "posts" / "presentation.py")
    assert "afterclass.attachments.models" not in presentation  # under `if TYPE_CHECKING:`


def test_no_new_pair_of_apps_imports_each_other() -> None:
    added = sorted(two_way_pairs() - TWO_WAY_APPS)
    assert not added, (
        "These apps now import each other: keep the lower one free of the higher one "
        "(docs/ARCHITECTURE.md, Import direction):\n"
        + "\n".join(f"{first} <-> {second}" for first, second in added)
    )


def test_two_way_apps_lists_only_pairs_that_still_import_each_other() -> None:
    # The ratchet only tightens: a pair that no longer imports both ways comes off the list.
    gone = sorted(TWO_WAY_APPS - two_way_pairs())
    assert not gone, "These apps no longer import each other: take them off TWO_WAY_APPS:\n" + (
        "\n".join(f"{first} <-> {second}" for first, second in gone)
    )
