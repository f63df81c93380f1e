"""The project's ``@compiles`` overrides (entities/compiles.py): which decorators are
overrides, SQLAlchemy's dispatch (dialect name, then dialect-less; subclasses without their
own ``__visit_name__``), bodies rendered statically or refused with a reason, server
defaults, generated expressions and types per dialect, project SQL function classes
(sql_functions.py), DDL type text read back per dialect (ddl_types.py), and the workspace
finding overrides in the modules the models import."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from schema_lsp.entities import WorkspaceIndex, parse_entities
from schema_lsp.entities.compiles import CompileOverrides, override_sites
from schema_lsp.entities.ddl_types import type_from_ddl
from schema_lsp.entities.evaluate import Evaluator
from schema_lsp.entities.model import EntitySchema
from schema_lsp.entities.resolve import Resolver
from schema_lsp.entities.source import parse_source
from schema_lsp.entities.values import Unresolvable

HEADER = """\
import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import expression, functions


class Base(DeclarativeBase):
    pass
"""


def _found(overrides: Any, value: Any, dialect: str | None) -> Any:
    """The override that renders ``value`` on ``dialect``, which must exist."""
    found = overrides.override_for(value, dialect)
    assert found is not None
    return found


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def _entity(tmp_path: Path, body: str, files: dict[str, str] | None = None) -> EntitySchema:
    _write(tmp_path, {"models.py": HEADER + "\n\n" + textwrap.dedent(body).lstrip("\n")})
    _write(tmp_path, files or {})
    (entity,) = parse_entities([tmp_path / "models.py"], roots=[tmp_path])
    return entity


def _column(entity: EntitySchema, dialect: str, name: str):  # type: ignore[no-untyped-def]
    specialized = entity.for_dialect(dialect)
    column = specialized.table.column(name)
    assert column is not None
    return column, specialized


def _overrides(text: str) -> tuple[CompileOverrides, Evaluator]:
    parsed = parse_source(textwrap.dedent(text), "overrides.py", "overrides")
    evaluator = Evaluator(Resolver(lambda module: None))
    return CompileOverrides.collect(evaluator, [(parsed, override_sites(parsed))]), evaluator


# -- which decorators are overrides ------------------------------------------------------


def test_overrides_are_found_by_what_compiles_resolves_to() -> None:
    overrides, _ = _overrides(
        """
        import sqlalchemy as sa
        from sqlalchemy.ext.compiler import compiles as on_compile
        from sqlalchemy.sql import functions
        from sqlalchemy.types import DateTime
        from functools import lru_cache

        @on_compile(DateTime, "mysql")
        def datetime_mysql(type_, compiler, **kw):
            return "DATETIME(6)"

        @on_compile(functions.now, "sqlite", "mysql")
        def now_text(element, compiler, **kw):
            return "CURRENT_TIMESTAMP"

        @on_compile(sa.String)
        def any_string(type_, compiler, **kw):
            return "TEXT"

        @lru_cache(3)
        def not_an_override(x, y):
            return "x"
        """
    )
    import sqlalchemy as sa
    from sqlalchemy.sql import functions

    assert _found(overrides, sa.DateTime(), "mysql").function.name == "datetime_mysql"
    assert overrides.override_for(sa.DateTime(), "postgresql") is None
    assert _found(overrides, functions.now(), "sqlite").function.name == "now_text"
    assert _found(overrides, functions.now(), "mysql").function.name == "now_text"
    # a dialect-less override is every dialect's without its own; a neutral rendering too
    assert _found(overrides, sa.String(5), "postgresql").function.name == "any_string"
    assert _found(overrides, sa.String(5), None).function.name == "any_string"
    assert overrides.modules == frozenset({"overrides"})


def test_dispatch_follows_sqlalchemy_subclasses_and_dialect_names() -> None:
    overrides, _ = _overrides(
        """
        import sqlalchemy as sa
        from sqlalchemy.ext.compiler import compiles

        @compiles(sa.DateTime, "mysql")
        def datetime_mysql(type_, compiler, **kw):
            return "DATETIME(6)"
        """
    )
    import sqlalchemy as sa
    from sqlalchemy.dialects import mysql

    # DATETIME and TIMESTAMP have their own __visit_name__: their own compilation applies
    for other in (sa.DATETIME(), sa.TIMESTAMP(), mysql.DATETIME(fsp=3)):
        assert overrides.override_for(other, "mysql") is None

    class Mine(sa.DateTime):  # no __visit_name__ of its own: DateTime's override applies
        pass

    assert overrides.override_for(Mine(), "mysql") is not None
    # SQLAlchemy dispatches by the dialect's exact name: mariadb:// is not mysql://
    assert overrides.override_for(sa.DateTime(), "mariadb") is None


# -- bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('return "CURRENT_TIMESTAMP"', {"postgresql": "CURRENT_TIMESTAMP"}),
        ('return f"UTC_TIMESTAMP({DIGITS})"', {"mysql": "UTC_TIMESTAMP(6)"}),
        ('return "STRFTIME(" + FORMAT + ")"', {"sqlite": "STRFTIME('%s')"}),
        (
            'if compiler.dialect.name == "sqlite":\n        return "CURRENT_TIMESTAMP"\n'
            '    return "now()"',
            {"sqlite": "CURRENT_TIMESTAMP", "postgresql": "now()"},
        ),
        ('kw["literal_binds"] = True\n    return "now()"', {"mysql": "now()"}),
    ],
)
def test_bodies_that_render(body: str, expected: dict[str, str]) -> None:
    overrides, evaluator = _overrides(
        f"""
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions

DIGITS = 6
FORMAT = "'%s'"

@compiles(functions.now)
def render(element, compiler, **kw):
    {body}
"""
    )
    from sqlalchemy.sql import functions

    for dialect, text in expected.items():
        override = _found(overrides, functions.now(), dialect)
        assert overrides.render(evaluator, override, functions.now(), dialect) == text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("return compiler.process(element.clauses, **kw)", "compiler.process()"),
        ("return compiler.visit_function(element)", "compiler.visit_function()"),
        ("return 42", "returns int"),
        ("while False:\n        pass\n    return 'x'", "while statement"),
        ("return helper()", "unknown name undefined_name"),
    ],
)
def test_bodies_that_cannot_be_read_say_why(body: str, reason: str) -> None:
    overrides, evaluator = _overrides(
        f"""
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions

def helper():
    return undefined_name

@compiles(functions.now, "sqlite")
def render(element, compiler, **kw):
    {body}
"""
    )
    from sqlalchemy.sql import functions

    override = _found(overrides, functions.now(), "sqlite")
    with pytest.raises(Unresolvable) as raised:
        overrides.render(evaluator, override, functions.now(), "sqlite")
    message = str(raised.value)
    assert "now is compiled for sqlite by render() in overrides.py:" in message
    assert reason in message


# -- server defaults and generated columns -----------------------------------------------


def test_a_server_default_per_dialect(tmp_path: Path) -> None:
    entity = _entity(
        tmp_path,
        """
        class utcnow(expression.FunctionElement):
            type = sa.DateTime()
            inherit_cache = True


        @compiles(utcnow, "postgresql")
        def pg(element, compiler, **kw):
            return "TIMEZONE('utc', CURRENT_TIMESTAMP)"


        @compiles(utcnow)
        def other(element, compiler, **kw):
            return "CURRENT_TIMESTAMP"


        @compiles(functions.now, "sqlite")
        def sqlite_now(element, compiler, **kw):
            return "datetime('now')"


        class Event(Base):
            __tablename__ = "event"

            id: Mapped[int] = mapped_column(primary_key=True)
            created: Mapped[datetime.datetime] = mapped_column(server_default=utcnow())
            seen: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())
        """,
    )
    assert not entity.notes
    expected = {
        "postgresql": ("TIMEZONE('utc', CURRENT_TIMESTAMP)", "now()"),
        "mysql": ("CURRENT_TIMESTAMP", "now()"),
        "sqlite": ("CURRENT_TIMESTAMP", "datetime('now')"),
    }
    for dialect, (created, seen) in expected.items():
        column, specialized = _column(entity, dialect, "created")
        assert column.default == created
        assert specialized.table.column("seen").default == seen  # type: ignore[union-attr]
        assert specialized.is_resolved("column:created", "default")
    # the neutral entity: the dialect-less override
    assert entity.table.column("created").default == "CURRENT_TIMESTAMP"  # type: ignore[union-attr]


def test_a_dialect_without_any_compilation_is_noted_there_only(tmp_path: Path) -> None:
    entity = _entity(
        tmp_path,
        """
        class utcnow(expression.FunctionElement):
            inherit_cache = True


        @compiles(utcnow, "postgresql")
        def pg(element, compiler, **kw):
            return "now()"


        class Event(Base):
            __tablename__ = "event"

            id: Mapped[int] = mapped_column(primary_key=True)
            created: Mapped[datetime.datetime] = mapped_column(server_default=utcnow())
        """,
    )
    column, postgres = _column(entity, "postgresql", "created")
    assert column.default == "now()" and not postgres.notes
    _, sqlite = _column(entity, "sqlite", "created")
    assert not sqlite.is_resolved("column:created", "default")
    (note,) = sqlite.notes
    assert "the server default of created" in note.message
    assert "cannot render utcnow" in note.message


def test_an_override_nested_in_a_generated_column(tmp_path: Path) -> None:
    entity = _entity(
        tmp_path,
        """
        class first_name(expression.FunctionElement):
            inherit_cache = True


        @compiles(first_name, "sqlite")
        def sqlite_first(element, compiler, **kw):
            return "substr(name, 1, instr(name, ' '))"


        @compiles(first_name)
        def other_first(element, compiler, **kw):
            return "split_part(name, ' ', 1)"


        FIRST = sa.func.lower(first_name())


        class Person(Base):
            __tablename__ = "person"

            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(sa.String(60))
            first: Mapped[str] = mapped_column(sa.String(60), sa.Computed(FIRST))
        """,
    )
    column, _ = _column(entity, "sqlite", "first")
    assert column.computed.sqltext == "lower(substr(name, 1, instr(name, ' ')))"
    column, _ = _column(entity, "postgresql", "first")
    assert column.computed.sqltext == "lower(split_part(name, ' ', 1))"


def test_project_generic_functions(tmp_path: Path) -> None:
    """A GenericFunction renders as SQLAlchemy renders it, under its ``name``; reached
    through ``func.<name>()`` too, its overrides apply."""
    entity = _entity(
        tmp_path,
        """
        class utc_now(functions.GenericFunction):
            type = sa.DateTime()
            inherit_cache = True


        class stamp(functions.GenericFunction):
            name = "make_stamp"
            inherit_cache = True


        @compiles(stamp, "sqlite")
        def sqlite_stamp(element, compiler, **kw):
            return f"{element.name}_sqlite()"


        class Event(Base):
            __tablename__ = "event"

            id: Mapped[int] = mapped_column(primary_key=True)
            a: Mapped[datetime.datetime] = mapped_column(server_default=utc_now())
            b: Mapped[str] = mapped_column(server_default=stamp("x", 2))
            c: Mapped[str] = mapped_column(server_default=sa.func.make_stamp())
        """,
    )
    assert not entity.notes
    assert entity.table.column("a").default == "utc_now()"  # type: ignore[union-attr]
    for dialect, b, c in [
        ("postgresql", "make_stamp('x', 2)", "make_stamp()"),
        ("sqlite", "make_stamp_sqlite()", "make_stamp_sqlite()"),
    ]:
        _, specialized = _column(entity, dialect, "b")
        assert specialized.table.column("b").default == b  # type: ignore[union-attr]
        assert specialized.table.column("c").default == c  # type: ignore[union-attr]


def test_a_function_class_with_an_init_needs_an_override(tmp_path: Path) -> None:
    entity = _entity(
        tmp_path,
        """
        class shifted(functions.GenericFunction):
            inherit_cache = True

            def __init__(self, hours):
                super().__init__(sa.text(f"'{hours} hours'"))


        class Event(Base):
            __tablename__ = "event"

            id: Mapped[int] = mapped_column(primary_key=True)
            at: Mapped[str] = mapped_column(server_default=shifted(3))
        """,
    )
    (note,) = entity.notes
    assert "shifted.__init__ cannot be followed" in note.message
    assert not entity.for_dialect("postgresql").is_resolved("column:at", "default")


# -- types -------------------------------------------------------------------------------

TYPES = """
    @compiles(sa.DateTime, "mysql")
    def mysql_datetime(type_, compiler, **kw):
        return "DATETIME(6)"


    class Stamp(sa.types.TypeDecorator):
        impl = sa.DateTime
        cache_ok = True


    class Point(sa.types.UserDefinedType):
        cache_ok = True


    @compiles(Point)
    def point(type_, compiler, **kw):
        return "TEXT"


    @compiles(Point, "postgresql")
    def pg_point(type_, compiler, **kw):
        return "JSONB"


    class Moment(sa.types.Time):
        pass


    @compiles(Moment, "postgresql")
    def pg_moment(type_, compiler, **kw):
        return "TIME(3)"


    class Event(Base):
        __tablename__ = "event"

        id: Mapped[int] = mapped_column(primary_key=True)
        moment = mapped_column(Moment)
        written = mapped_column(sa.DateTime(timezone=True))
        annotated: Mapped[datetime.datetime]
        decorated = mapped_column(Stamp)
        own = mapped_column(sa.DATETIME)
        spot = mapped_column(Point)
        varied = mapped_column(sa.DateTime().with_variant(sa.TIMESTAMP(), "mysql"))
"""


def test_a_type_compiled_per_dialect(tmp_path: Path) -> None:
    entity = _entity(tmp_path, TYPES)
    assert not entity.notes, entity.notes
    mysql = entity.for_dialect("mysql")
    for name in ("written", "annotated", "decorated"):
        spec = mysql.table.column(name).sa_type  # type: ignore[union-attr]
        assert (spec.name, spec.kwargs) == ("DATETIME", (("fsp", 6),)), name
        assert mysql.is_resolved(f"column:{name}", "type")
    assert mysql.table.column("own").sa_type.name == "DATETIME"  # type: ignore[union-attr]
    assert mysql.table.column("own").sa_type.kwargs == ()  # type: ignore[union-attr]
    assert mysql.table.column("varied").sa_type.name == "TIMESTAMP"  # type: ignore[union-attr]
    postgres = entity.for_dialect("postgresql")
    assert postgres.table.column("written").sa_type.name == "DateTime"  # type: ignore[union-attr]
    assert postgres.table.column("spot").sa_type.name == "JSONB"  # type: ignore[union-attr]
    assert postgres.is_resolved("column:spot", "type")
    assert entity.for_dialect("sqlite").table.column("spot").sa_type.name == "TEXT"  # type: ignore[union-attr]
    # a plain subclass: its override where there is one, its base's DDL elsewhere
    moment = postgres.table.column("moment").sa_type  # type: ignore[union-attr]
    assert (moment.name, moment.kwargs) == ("TIME", (("precision", 3),))
    assert mysql.table.column("moment").sa_type.name == "Time"  # type: ignore[union-attr]


def test_a_type_override_that_cannot_be_read_is_noted_on_its_dialect(tmp_path: Path) -> None:
    entity = _entity(
        tmp_path,
        """
        @compiles(sa.DateTime, "mysql")
        def mysql_datetime(type_, compiler, **kw):
            return compiler.visit_DATETIME(type_, **kw)


        class Event(Base):
            __tablename__ = "event"

            id: Mapped[int] = mapped_column(primary_key=True)
            at: Mapped[datetime.datetime]
        """,
    )
    mysql = entity.for_dialect("mysql")
    assert not mysql.is_resolved("column:at", "type")
    (note,) = mysql.notes
    assert "the type of at" in note.message and "compiler.visit_DATETIME()" in note.message
    postgres = entity.for_dialect("postgresql")
    assert postgres.is_resolved("column:at", "type") and not postgres.notes


UNSIGNED = ("unsigned", True)
TZ = ("timezone", True)


@pytest.mark.parametrize(
    ("text", "dialect", "name", "kwargs"),
    [
        ("DATETIME(6)", "mysql", "DATETIME", (("fsp", 6),)),
        (
            "VARCHAR(20) CHARACTER SET utf8mb4",
            "mysql",
            "VARCHAR",
            (("charset", "utf8mb4"), ("length", 20)),
        ),
        (
            "DECIMAL(10, 2) UNSIGNED",
            "mariadb",
            "DECIMAL",
            (("precision", 10), ("scale", 2), ("unsigned", True)),
        ),
        ("TIMESTAMP(6)", "postgresql", "TIMESTAMP", (("precision", 6),)),
        (
            "TIMESTAMP(3) WITH TIME ZONE",
            "postgresql",
            "TIMESTAMP",
            (("precision", 3), ("timezone", True)),
        ),
        ("VARCHAR(20)", "postgresql", "VARCHAR", (("length", 20),)),
        ("DATETIME", "sqlite", "DATETIME", ()),
        ("VARCHAR(20)", "sqlite", "VARCHAR", (("length", 20),)),
    ],
)
def test_ddl_text_read_as_the_dialect_reflects_it(
    text: str, dialect: str, name: str, kwargs: tuple[tuple[str, object], ...]
) -> None:
    from schema_lsp.schema import TypeSpec

    spec = TypeSpec.of(type_from_ddl(text, dialect))
    assert (spec.name, spec.kwargs) == (name, kwargs)


def test_unknown_ddl_text_is_unresolvable() -> None:
    with pytest.raises(Unresolvable):
        type_from_ddl("DATETIME(6)", "postgresql")
    with pytest.raises(Unresolvable):
        type_from_ddl("NO_SUCH_TYPE", "mysql")


# -- the workspace -----------------------------------------------------------------------

COMPAT = {
    "app/__init__.py": "",
    "app/compat.py": """\
        from sqlalchemy.ext.compiler import compiles
        from sqlalchemy.sql import functions


        @compiles(functions.now, "sqlite")
        def sqlite_now(element, compiler, **kw):
            return "CURRENT_TIMESTAMP"
        """,
}

SIDE_EFFECT = """\
    import sqlalchemy as sa
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    import app.compat  # noqa: F401


    class Base(DeclarativeBase):
        pass


    class Event(Base):
        __tablename__ = "event"

        id: Mapped[int] = mapped_column(primary_key=True)
        at: Mapped[str] = mapped_column(server_default=sa.func.now())
    """


def test_an_override_registered_by_an_import_for_its_side_effect(tmp_path: Path) -> None:
    _write(tmp_path, {**COMPAT, "models.py": SIDE_EFFECT})
    (entity,) = parse_entities([tmp_path / "models.py"], roots=[tmp_path])
    column, _ = _column(entity, "sqlite", "at")
    assert column.default == "CURRENT_TIMESTAMP"


def test_an_edited_override_rebuilds_every_file(tmp_path: Path) -> None:
    _write(tmp_path, {**COMPAT, "models.py": SIDE_EFFECT})
    index = WorkspaceIndex([tmp_path])
    index.load([tmp_path / "models.py", tmp_path / "app" / "compat.py"])
    (entity,) = index.entities()
    assert _column(entity, "sqlite", "at")[0].default == "CURRENT_TIMESTAMP"
    compat = tmp_path / "app" / "compat.py"
    index.update(compat, compat.read_text().replace('"CURRENT_TIMESTAMP"', "\"datetime('now')\""))
    assert tmp_path / "models.py" in {Path(p) for p in index.dependents(compat)}
    (entity,) = index.entities()
    assert _column(entity, "sqlite", "at")[0].default == "datetime('now')"
    # an override that disappears: SQLAlchemy's own rendering again
    index.update(compat, "")
    (entity,) = index.entities()
    assert _column(entity, "sqlite", "at")[0].default == "now()"


def test_an_override_first_reached_while_reading_applies_to_every_file(tmp_path: Path) -> None:
    """A module reached only through a re-export (``lib`` -> ``lib.impl``) is read while
    a later file is: its overrides still apply to the files read before (all are read
    again), so the result does not depend on the order of the files."""
    _write(
        tmp_path,
        {
            "a_models.py": """\
                import sqlalchemy as sa
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Early(Base):
                    __tablename__ = "early"

                    id: Mapped[int] = mapped_column(primary_key=True)
                    at: Mapped[str] = mapped_column(server_default=sa.func.now())
                """,
            "b_models.py": """\
                from sqlalchemy.orm import Mapped, mapped_column

                from a_models import Base
                from lib import stamp


                class Late(Base):
                    __tablename__ = "late"

                    id: Mapped[int] = mapped_column(primary_key=True)
                    at = stamp()
                """,
            "lib/__init__.py": "from lib.impl import stamp\n",
            "lib/impl.py": """\
                import sqlalchemy as sa
                from sqlalchemy.ext.compiler import compiles
                from sqlalchemy.sql import functions


                @compiles(functions.now, "sqlite")
                def sqlite_now(element, compiler, **kw):
                    return "CURRENT_TIMESTAMP"


                def stamp():
                    return sa.Column(sa.DateTime, server_default=sa.func.now())
                """,
        },
    )
    paths = [tmp_path / "a_models.py", tmp_path / "b_models.py"]
    entities = {e.table.name: e for e in parse_entities(paths, roots=[tmp_path])}
    assert _column(entities["early"], "sqlite", "at")[0].default == "CURRENT_TIMESTAMP"
    assert _column(entities["late"], "sqlite", "at")[0].default == "CURRENT_TIMESTAMP"
