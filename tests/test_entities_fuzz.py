"""Random edits of valid model files (a user mid-typing) never make the parser raise."""

from __future__ import annotations

import logging
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema_lsp.entities import WorkspaceIndex

MODELS = Path(__file__).parent / "models"
SOURCES = [p.read_text() for p in sorted(MODELS.rglob("*.py")) if p.stat().st_size > 50]
TOKENS = [
    *("(", ")", "[", "]", ":", "=", ",", "'", '"', "|", "*", "**", "None", "sa.", "lambda: 1"),
    *("Mapped[", "mapped_column(", "Optional[", "ForeignKey(", "Index(", "Column("),
    *("class X(Base):", "__tablename__ = "),
]


class _Errors(logging.Handler):
    """Counts what the parser logs when it trips: it must never trip."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@st.composite
def edited(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SOURCES)).splitlines()
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "token", "cut"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "token":
            column = draw(st.integers(0, len(lines[i])))
            token = draw(st.sampled_from(TOKENS))
            lines[i] = lines[i][:column] + token + lines[i][column:]
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_random_edits_never_raise(text: str) -> None:
    errors = _Errors()
    logger = logging.getLogger("schema_lsp.entities")
    logger.addHandler(errors)
    try:
        index = WorkspaceIndex(["/ws"])
        index.update("/ws/app/base.py", (MODELS / "shop" / "base.py").read_text())
        index.update("/ws/app/models.py", text)
        for entity in index.entities():
            assert entity.table.name
            for column in entity.table.columns:
                assert column.name
        index.notes_in("/ws/app/models.py")
        index.dependents("/ws/app/models.py")
    finally:
        logger.removeHandler(errors)
    assert not errors.records, [r.getMessage() for r in errors.records]


def test_large_file_parses() -> None:
    """A 3,000-line models file (many classes) parses into one entity per class."""
    body = (MODELS / "declarative_2_0.py").read_text()
    head, _, _ = body.partition("class User(")
    classes = []
    for n in range(150):
        classes.append(
            f"class Model{n}(Timestamps, Base):\n"
            f"    __tablename__ = 't{n}'\n"
            "    id: Mapped[intpk]\n"
            "    name: Mapped[str50] = mc(index=True)\n"
            "    email: Mapped[Optional[str]] = mc(S(120), unique=True)\n"
            f"    parent_id = mc(ForeignKey('t{n}.id', ondelete='CASCADE'))\n"
            "    score = sa.Column(sa.Numeric(10, 2), server_default=text('0'))\n"
            "    color: Mapped[Color] = mc(server_default='red')\n"
            "    kind: Mapped[Literal['a', 'bb']]\n"
            "    day: Mapped[datetime.date]\n"
            "    active: Mapped[bool] = mc(server_default=sa.false())\n"
            "    ratio: Mapped[float]\n"
            "    price: Mapped[decimal.Decimal | None]\n"
            "    token: Mapped[uuid.UUID]\n"
            "    blob: Mapped[bytes | None]\n"
            "    forced: Mapped[Optional[int]] = mc(nullable=False)\n"
            "    updated_by: Mapped[Optional[int]]\n"
            "    note: Mapped[Optional[str]] = mc(S(20), comment='n')\n"
            "    # padding\n\n"
        )
    text = head + "\n".join(classes)
    assert text.count("\n") >= 3000
    index = WorkspaceIndex(["/ws"])
    index.update("/ws/app/big.py", text)
    entities = index.entities()
    assert len(entities) == 150
    assert all(len(e.table.columns) == 18 for e in entities)
