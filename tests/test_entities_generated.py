"""Generated model files, checked against SQLAlchemy itself: hypothesis writes a models
module from the constructs the parser claims to read, the test (never the product) runs it,
and every table SQLAlchemy builds must equal the statically parsed entity."""

from __future__ import annotations

import sys
import textwrap
import types

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema_lsp.entities import WorkspaceIndex

from .test_entities_oracle import assert_same_table

HEADER = """\
import datetime
import decimal
import enum
import uuid
from typing import Annotated, Literal, Optional

import sqlalchemy as sa
from sqlalchemy import ForeignKey, Index, UniqueConstraint, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

intpk = Annotated[int, mapped_column(primary_key=True)]
str30 = Annotated[str, 30]


class Mood(enum.Enum):
    happy = "h"
    sad = "s"


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={convention})
    type_annotation_map = {{str30: sa.String(30)}}


class Stamped:
    created: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    note = sa.Column(sa.String(10), comment="mixin")
"""

CONVENTIONS = [
    "{}",
    '{"ix": "ix_%(table_name)s_%(column_0_N_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s",'
    ' "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",'
    ' "pk": "pk_%(table_name)s", "ck": "ck_%(table_name)s_%(constraint_name)s"}',
]
ANNOTATIONS = [
    "int",
    "str",
    "bool",
    "float",
    "datetime.datetime",
    "datetime.date",
    "decimal.Decimal",
    "uuid.UUID",
    "bytes",
    "str30",
    "Mood",
    'Literal["a", "bb"]',
]
EXPLICIT_TYPES = [
    "sa.String(40)",
    "sa.Integer",
    "sa.BigInteger()",
    "sa.Numeric(8, 3)",
    "sa.Text",
    "sa.Boolean",
    "sa.DateTime(timezone=True)",
    'sa.Enum("x", "y", name="xy")',
]
SERVER_DEFAULTS = ['"d"', 'text("0")', "func.now()", "sa.false()", "sa.text(\"'q'\")"]


@st.composite
def column(draw: st.DrawFn, name: str, earlier_tables: list[str]) -> str:
    style = draw(st.sampled_from(["annotated", "explicit", "legacy", "fk"]))
    options: list[str] = []
    if draw(st.booleans()):
        options.append(f"nullable={draw(st.booleans())}")
    if draw(st.integers(0, 3)) == 0:
        options.append("index=True")
    if draw(st.integers(0, 3)) == 0:
        options.append("unique=True")
    if draw(st.integers(0, 3)) == 0:
        options.append(f"server_default={draw(st.sampled_from(SERVER_DEFAULTS))}")
    if draw(st.integers(0, 4)) == 0:
        options.append('comment="c"')
    if style == "fk" and earlier_tables:
        target = draw(st.sampled_from(earlier_tables))
        reference = draw(st.sampled_from([f'"{target}.id"', f"T{target[1:]}.id"]))
        ondelete = draw(st.sampled_from(["", ', ondelete="CASCADE"', ', onupdate="SET NULL"']))
        args = ", ".join([f"ForeignKey({reference}{ondelete})", *options])
        optional = draw(st.booleans())
        return (
            f"    {name}: Mapped[{'Optional[int]' if optional else 'int'}] = mapped_column({args})"
        )
    if style == "legacy":
        args = ", ".join([draw(st.sampled_from(EXPLICIT_TYPES)), *options])
        return f"    {name} = sa.Column({args})"
    annotation = draw(st.sampled_from(ANNOTATIONS))
    if draw(st.booleans()):
        annotation = draw(st.sampled_from([f"Optional[{annotation}]", f"{annotation} | None"]))
    if style == "explicit":
        options.insert(0, draw(st.sampled_from(EXPLICIT_TYPES)))
        if draw(st.integers(0, 3)) == 0:
            options.insert(0, f'"{name}_db"')  # the column's own name
    value = f" = mapped_column({', '.join(options)})" if options else ""
    return f"    {name}: Mapped[{annotation}]{value}"


@st.composite
def models(draw: st.DrawFn) -> str:
    text_ = HEADER.format(convention=draw(st.sampled_from(CONVENTIONS)))
    if draw(st.booleans()):
        text_ = "from __future__ import annotations\n\n" + text_
    tables: list[str] = []
    for t in range(draw(st.integers(1, 3))):
        name = f"t{t}"
        mixin = "Stamped, " if draw(st.booleans()) else ""
        lines = [f"class T{t}({mixin}Base):", f'    __tablename__ = "{name}"']
        pk = draw(
            st.sampled_from(
                [
                    "id: Mapped[intpk]",
                    "id: Mapped[int] = mapped_column(primary_key=True)",
                    "id = sa.Column(sa.Integer, primary_key=True)",
                ]
            )
        )
        lines.append(f"    {pk}")
        names = [f"c{i}" for i in range(draw(st.integers(1, 6)))]
        for column_name in names:
            lines.append(draw(column(column_name, tables)))
        extras = []
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
            unique = draw(st.booleans())
            index_name = draw(st.sampled_from(["None", f'"ix_{name}_custom"']))
            extras.append(f"Index({index_name}, {', '.join(map(repr, chosen))}, unique={unique})")
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
            extras.append(f"UniqueConstraint({', '.join(map(repr, chosen))})")
        if draw(st.integers(0, 3)) == 0:
            extras.append(f'sa.CheckConstraint("id > 0", name="{name}_positive")')
        if extras:
            lines.append(f"    __table_args__ = ({', '.join(extras)},)")
        text_ += "\n\n" + "\n".join(lines) + "\n"
        tables.append(name)
        inheritance = draw(st.sampled_from(["", "single", "joined"]))
        if inheritance == "single":
            text_ += (
                f"\n\nclass T{t}Single(T{t}):\n"
                f"    extra_{t}: Mapped[Optional[int]] = mapped_column(index=True)\n"
            )
        elif inheritance == "joined":
            text_ += (
                f"\n\nclass T{t}Joined(T{t}):\n"
                f'    __tablename__ = "{name}_joined"\n'
                f'    id: Mapped[int] = mapped_column(ForeignKey("{name}.id"), primary_key=True)\n'
                f"    more: Mapped[str] = mapped_column(sa.String(5))\n"
            )
    return text_


def _run(source: str) -> sa.MetaData:
    module = types.ModuleType("generated_models")
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, "generated_models.py", "exec"), module.__dict__)  # the test's oracle
    finally:
        del sys.modules[module.__name__]
    metadata: sa.MetaData = module.__dict__["Base"].metadata
    return metadata


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_generated_models_match_sqlalchemy(source: str) -> None:
    try:
        metadata = _run(source)
    except (sa.exc.ArgumentError, sa.exc.InvalidRequestError):
        return  # a combination SQLAlchemy itself refuses: nothing to compare
    index = WorkspaceIndex(["/ws"])
    index.update("/ws/app/generated.py", source)
    entities = {e.table.name: e for e in index.entities()}
    assert set(entities) == set(metadata.tables), textwrap.shorten(source, 200)
    for name, table in metadata.tables.items():
        assert_same_table(entities[name], table)
