"""The shape of the code base (issue 12): small modules a newcomer can read whole."""

from __future__ import annotations

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
