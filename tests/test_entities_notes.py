"""Notes that help instead of flooding (issue 10, point 13): one "not checked" note per
class and reason, naming the fields and what to do, on the first field; a mixin's once."""

from __future__ import annotations

import textwrap

from schema_lsp.diff import compare
from schema_lsp.entities import WorkspaceIndex
from schema_lsp.entities.model import Note, NoteReason, SourceRange, grouped_notes
from schema_lsp.introspect import introspect_database

HEADER = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from money import Money
from helpers import fk_column


class Base(DeclarativeBase):
    pass


"""


def _entities(body: str):  # type: ignore[no-untyped-def]
    index = WorkspaceIndex(["/ws"])
    index.update("/ws/app/models.py", HEADER + textwrap.dedent(body))
    return index.entities()


def test_columns_of_one_unknown_type_make_one_note_on_the_first() -> None:
    (item,) = _entities(
        """\
        class Item(Base):
            __tablename__ = "items"
            id: Mapped[int] = mapped_column(primary_key=True)
            a: Mapped[int] = mapped_column(Money)
            b: Mapped[int] = mapped_column(Money, nullable=False)
            c: Mapped[int] = mapped_column(Money)
            d: Mapped[int] = mapped_column(Money)
            e: Mapped[int] = mapped_column(Money)
            owner_id: Mapped[int] = fk_column("users.id")
            boss_id: Mapped[int] = fk_column("users.id", ondelete="CASCADE")
            x: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text(now_sql()))
        """
    )
    notes = {note.subjects: note for note in item.notes}
    assert list(notes) == [("a", "b", "c", "d", "e"), ("owner_id", "boss_id"), ("x",)]
    money = notes["a", "b", "c", "d", "e"]
    assert money.message == (
        "not checked: the type of a, b, c, d, e (money.Money is not statically known); "
        "add the module that defines it to the workspace"
    )
    assert money.range.start_line == 13  # a's type (0-based), the first of them
    assert money.reason == NoteReason(
        "the type of {}",
        "money.Money is not statically known",
        "add the module that defines it to the workspace",
    )
    assert notes["owner_id", "boss_id"].message == (
        "not checked: column owner_id, boss_id (made by fk_column(...))"
    )
    assert notes["x",].message.startswith("not checked: the server default of x (")


def test_other_reasons_and_plain_notes_stay_apart() -> None:
    where = SourceRange("/ws/m.py", 1, 0, 1, 1)
    elsewhere = SourceRange("/ws/mixin.py", 3, 0, 3, 1)
    custom = NoteReason("the type of {}", "Money is a custom class")
    other = NoteReason("the type of {}", "call to Money")
    notes = [
        Note("not checked: __table_args__ (computed)", where),
        Note.about(("a",), custom, where),
        Note.about(("b",), other, where._replace(start_line=2)),
        Note.about(("c",), custom, where._replace(start_line=3)),
        Note.about(("m",), custom, elsewhere),  # another file (a mixin's): its own note
        Note("not checked: __table_args__ (computed)", where),
    ]
    assert [(n.message, n.range.start_line) for n in grouped_notes(notes)] == [
        ("not checked: __table_args__ (computed)", 1),
        ("not checked: the type of a, c (Money is a custom class)", 1),
        ("not checked: the type of b (call to Money)", 2),
        ("not checked: the type of m (Money is a custom class)", 3),
    ]


def test_a_mixins_note_is_said_once_for_all_its_tables(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    sqlite_db.execute(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, made_by INTEGER NOT NULL)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, made_by INTEGER NOT NULL)",
    )
    entities = _entities(
        """\
        class Stamped:
            made_by: Mapped[int] = mapped_column(Money)


        class A(Stamped, Base):
            __tablename__ = "a"
            id: Mapped[int] = mapped_column(primary_key=True)


        class B(Stamped, Base):
            __tablename__ = "b"
            id: Mapped[int] = mapped_column(primary_key=True)
        """
    )
    found = compare(entities, introspect_database(sqlite_db.url))
    assert [(d.code, d.column, d.columns) for d in found] == [("SL001", "made_by", ("made_by",))]


def test_an_index_without_columns_is_a_note_not_a_claim(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    sqlite_db.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY)")
    (tags,) = _entities(
        """\
        class Tag(Base):
            __tablename__ = "tags"
            __table_args__ = (sa.Index("ix_nothing"), sa.UniqueConstraint())
            id: Mapped[int] = mapped_column(primary_key=True)
        """
    )
    assert tags.table.indexes == () and tags.table.unique_constraints == ()
    assert [n.message for n in tags.notes] == [
        "not checked: index ix_nothing has no columns (no database creates it: give it "
        "columns or remove it)",
        "not checked: an unnamed unique constraint has no columns (no database creates it: "
        "give it columns or remove it)",
    ]
    found = compare([tags], introspect_database(sqlite_db.url))
    assert {d.code for d in found} == {"SL001"}


def test_formatting_a_str_mixed_enum_member_depends_on_python_so_it_is_a_note() -> None:
    """``f"{Status.A}"`` of ``class Status(str, Enum)`` is ``"a"`` before Python 3.11 and
    ``"Status.A"`` since: never read as either. An IntEnum's member formats as its value
    on every version, and ``.value`` is the value."""
    (item,) = _entities(
        """\
        import enum


        class Status(str, enum.Enum):
            A = "a"


        class Level(enum.IntEnum):
            LOW = 1


        class Item(Base):
            __tablename__ = "items"
            id: Mapped[int] = mapped_column(primary_key=True)
            status: Mapped[str] = mapped_column(sa.String(9), server_default=f"{Status.A}")
            named: Mapped[str] = mapped_column(sa.String(9), server_default="%s" % Status.A)
            level: Mapped[int] = mapped_column(server_default=sa.text(f"{Level.LOW}"))
            value: Mapped[str] = mapped_column(sa.String(9), server_default=f"{Status.A.value}")
        """
    )
    columns = {column.name: column for column in item.table.columns}
    assert columns["level"].default == "1"
    assert columns["value"].default == "'a'"
    assert not item.is_resolved("column:status", "default")
    assert not item.is_resolved("column:named", "default")
    (note,) = item.notes
    assert note.subjects == ("status", "named")
    assert "Status.A formatted: its value before Python 3.11, its name since" in note.message


def test_flag_members_combine_as_python_combines_them() -> None:
    """``Flag`` and ``IntFlag`` members of the workspace combine with ``|`` (auto() counts
    in bits), and an IntFlag formats as its number."""
    (item,) = _entities(
        """\
        import enum


        class Perm(enum.Flag):
            READ = enum.auto()
            WRITE = enum.auto()


        class Bits(enum.IntFlag):
            A = 1
            B = 4


        class Item(Base):
            __tablename__ = "items"
            id: Mapped[int] = mapped_column(primary_key=True)
            both = Perm.READ | Perm.WRITE
            perms: Mapped[int] = mapped_column(server_default=sa.text(str(both.value)))
            bits: Mapped[int] = mapped_column(server_default=sa.text(f"{Bits.A | Bits.B}"))
        """
    )
    columns = {column.name: column for column in item.table.columns}
    assert columns["perms"].default == "3"
    assert columns["bits"].default == "5"
    assert item.notes == ()


def test_members_of_a_str_enum_given_as_labels_and_names_are_their_text() -> None:
    """``sa.Enum(Status.A, Status.B)`` / ``sa.Enum(*Status)`` and a member as a column's
    name or comment: SQLAlchemy writes the member's characters (``a``), never ``Status.A``."""
    (item,) = _entities(
        """\
        import enum


        class Status(str, enum.Enum):
            A = "a"
            B = "b"


        class Item(Base):
            __tablename__ = "items"
            id: Mapped[int] = mapped_column(primary_key=True)
            one = mapped_column(sa.Enum(Status.A, Status.B, name="one"))
            every = mapped_column(sa.Enum(*Status, name="every"), comment=Status.B)
            named = mapped_column(Status.A, sa.String(5))
        """
    )
    columns = {column.name: column for column in item.table.columns}
    assert columns["one"].sa_type.args == ("a", "b")
    assert [type(label) for label in columns["every"].sa_type.args] == [str, str]
    assert columns["every"].comment == "b"
    assert type(columns["every"].comment) is str
    assert [type(column.name) for column in item.table.columns] == [str] * 4
    assert "a" in columns
    assert item.notes == ()


def test_a_table_args_body_the_runner_cannot_follow_keeps_its_independent_return() -> None:
    """A ``declared_attr`` ``__table_args__`` with a statement the helper runner does not
    follow (``with``) still gives the items its final ``return`` writes without its own
    names; one whose return uses such a name is a note."""
    plain, dependent = _entities(
        """\
        class Plain(Base):
            __tablename__ = "plain"
            id: Mapped[int] = mapped_column(primary_key=True)
            code: Mapped[str] = mapped_column(sa.String(5))

            @sa.orm.declared_attr.directive
            def __table_args__(cls):
                with open("/dev/null") as handle:
                    handle.read()
                return (sa.UniqueConstraint("code", name="uq_plain_code"),)


        class Dependent(Base):
            __tablename__ = "dependent"
            id: Mapped[int] = mapped_column(primary_key=True)
            code: Mapped[str] = mapped_column(sa.String(5))

            @sa.orm.declared_attr.directive
            def __table_args__(cls):
                with open("/dev/null") as handle:
                    name = handle.read()
                return (sa.UniqueConstraint("code", name=name),)
        """
    )
    assert [u.name for u in plain.table.unique_constraints] == ["uq_plain_code"]
    assert plain.notes == ()
    assert dependent.table.unique_constraints == ()
    (note,) = dependent.notes
    assert note.message.startswith("not checked: __table_args__ (__table_args__() has a with")
