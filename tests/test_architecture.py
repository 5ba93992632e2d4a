"""The layout is the architecture: folders import only the layers below them, and no module
of fake_voice imports itself back, counting imports inside functions and under
``TYPE_CHECKING``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import fake_voice

PACKAGE = Path(fake_voice.__file__).parent
# Lowest first; a module may import its own layer and the layers before it.
LAYERS = (
    {"state"},
    {"core"},
    {"resources"},
    {"intercept", "server", "traffic"},
    {"handle"},
    {"api"},
    {"cli", "plugin", "demo", "faker_provider", "__init__"},
)
TRANSPORTS = {"requests", "responses", "aiohttp", "h11", "urllib3", "yarl", "multidict"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, wherever the import statement stands."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            assert node.level == 0, f"{path}: relative import"
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in MODULES else node.module


GRAPH = {
    name: {target for target in imported(path) if target in MODULES and target != name}
    for name, path in MODULES.items()
}


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    return next(index for index, names in enumerate(LAYERS) if top in names)


def test_the_graph_is_read_from_every_module() -> None:
    assert {"fake_voice.core.request_path", "fake_voice.intercept.registry"} <= set(GRAPH)
    assert "fake_voice.state.store" in GRAPH["fake_voice.core.request_path"]
    # an import inside a function counts: the handle serves lazily
    assert "fake_voice.server.http" in GRAPH["fake_voice.handle"]
    # so does one under TYPE_CHECKING
    assert "fake_voice.handle" in GRAPH["fake_voice.plugin"]


def test_no_module_imports_itself_back() -> None:
    cycles = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            cycles.append([*trail[trail.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(GRAPH[module]):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_each_module_imports_only_its_layer_and_those_below(module: str) -> None:
    above = sorted(target for target in GRAPH[module] if layer(target) > layer(module))
    assert above == []


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.split(".")[1:2] in (["core"], ["state"]))
)
def test_the_core_and_the_state_import_no_transport_library(module: str) -> None:
    libraries = {name.split(".")[0] for name in imported(MODULES[module])}
    assert libraries & TRANSPORTS == set()
