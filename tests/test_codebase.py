"""The shape of the code base (issue 12): small modules a newcomer can read whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

_PACKAGE = Path(__file__).resolve().parent.parent / "schema_lsp"
#: The longest a module of the package may grow before it is split by concept.
MAX_LINES = 800


@pytest.mark.parametrize(
    "module", sorted(str(path.relative_to(_PACKAGE)) for path in _PACKAGE.rglob("*.py"))
)
def test_no_module_is_longer_than_800_lines(module: str) -> None:
    lines = (_PACKAGE / module).read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by concept"


#: A page of prose (ARCHITECTURE.md is the map, the modules' docstrings the detail).
PAGE_WORDS = 600


def test_the_architecture_map_fits_on_a_page_and_names_what_exists() -> None:
    text = (_PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert len(text.split()) <= PAGE_WORDS
    named = set(re.findall(r"`([a-z_]+(?:\.py|/))`", text))
    root = _PACKAGE.parent
    missing = [
        name
        for name in sorted(named)
        if not (root / name).exists() and not any(_PACKAGE.rglob(name.rstrip("/")))
    ]
    assert not missing, f"ARCHITECTURE.md names what does not exist: {missing}"


def test_the_renderers_read_no_model_source_themselves() -> None:
    """Quick fixes and entity insertion read a model through the parser (its ParsedFile,
    its bindings, the entity's recorded facts), never with a parse of their own."""
    render = _PACKAGE / "render"
    readers = [
        str(path.relative_to(_PACKAGE))
        for path in render.rglob("*.py")
        if "ast.parse(" in path.read_text(encoding="utf-8") and path.name != "python_layout.py"
    ]
    assert readers == []
