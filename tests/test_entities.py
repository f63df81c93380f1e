"""Static entity parsing: ranges, SQLModel, unresolved constructs, the workspace index."""

from __future__ import annotations

import textwrap
from pathlib import Path

from schema_lsp.entities import WorkspaceIndex, parse_entities, parse_source
from schema_lsp.entities.model import SourceRange


def _index(**files: str) -> WorkspaceIndex:
    index = WorkspaceIndex(["/ws"])
    for name, text in files.items():
        index.update(f"/ws/app/{name}.py", textwrap.dedent(text))
    return index


BASE = """\
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_name)s"})

class Stamped:
    stamp: Mapped[int] = mapped_column(server_default="0")
"""

MODELS = """\
from typing import Optional
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from app.base import Base, Stamped

class User(Stamped, Base):
    __tablename__ = "users"
    __table_args__ = (Index(None, "email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[Optional[str]] = mapped_column(String(50))
    boss_id = mapped_column(ForeignKey("users.id"))
"""


def test_ranges_point_at_class_name_columns_objects_and_mixin_lines() -> None:
    index = _index(base=BASE, models=MODELS)
    (user,) = index.entities_in("/ws/app/models.py")
    path = "/ws/app/models.py"
    assert user.range == SourceRange(path, 5, 6, 5, 10)
    assert user.range_of("column:id") == SourceRange(path, 8, 4, 8, 6)
    assert user.range_of("column:email.type") == SourceRange(path, 9, 49, 9, 59)
    assert user.range_of("column:email.statement") == SourceRange(path, 9, 4, 9, 60)
    assert user.range_of("column:stamp") == SourceRange("/ws/app/base.py", 7, 4, 7, 9)
    assert user.range_of("index:ix_users_email") == SourceRange(path, 7, 22, 7, 42)
    assert user.range_of("foreign_key:(boss_id)") == SourceRange(path, 10, 28, 10, 50)
    assert user.table.column_names == ("id", "email", "boss_id", "stamp")
    boss = user.table.column("boss_id")
    assert boss is not None and boss.sa_type.name == "Integer"  # from the referred column
    assert user.table.column("stamp").default == "'0'"  # type: ignore[union-attr]
    assert not user.notes and not user.unresolved


def test_dependents_and_cross_file_update() -> None:
    index = _index(base=BASE, models=MODELS)
    assert index.dependents("/ws/app/base.py") == {"/ws/app/base.py", "/ws/app/models.py"}
    assert index.dependents("/ws/app/models.py") == {"/ws/app/models.py"}
    index.update("/ws/app/base.py", BASE.replace('server_default="0"', 'comment="c"'))
    (user,) = index.entities_in("/ws/app/models.py")
    stamp = user.table.column("stamp")
    assert stamp is not None and stamp.default is None and stamp.comment == "c"


def test_syntax_error_keeps_last_good_parse() -> None:
    index = _index(base=BASE, models=MODELS)
    index.update("/ws/app/models.py", MODELS + "\nclass Broken(Base:\n")
    assert index.problem("/ws/app/models.py") is not None
    assert [e.table.name for e in index.entities_in("/ws/app/models.py")] == ["users"]
    index.update("/ws/app/models.py", MODELS.replace('"users"', '"people"'))
    assert index.problem("/ws/app/models.py") is None
    assert [e.table.name for e in index.entities_in("/ws/app/models.py")] == ["people"]


def test_unresolvable_constructs_become_notes_not_claims() -> None:
    index = _index(
        base=BASE,
        models="""\
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import Mapped, mapped_column
        from app.base import Base
        from app.types import MyType, helper_column

        class Thing(Base):
            __tablename__ = "thing"
            id = Column(Integer, primary_key=True)
            data: Mapped[dict]
            custom = Column(MyType(), nullable=False)
            made: Mapped[int] = helper_column()
            default_made = Column(Integer, server_default=compute())
        """,
    )
    (thing,) = index.entities()
    # SQLAlchemy's order: vars(cls) merged with __annotations__ (merge_lists_w_ordering)
    assert thing.table.column_names == ("id", "custom", "data", "made", "default_made")
    assert {
        "column:data.type",
        "column:custom.type",
        "column:made.type",
        "column:made.nullable",
        "column:default_made.default",
    } <= thing.unresolved
    assert thing.table.column("custom").nullable is False  # type: ignore[union-attr]
    assert all(note.message.startswith("not checked: ") for note in thing.notes)
    assert len(thing.notes) >= 4


def test_sqlmodel_fields() -> None:
    index = _index(
        models="""\
        from typing import Optional
        from sqlmodel import Field, SQLModel, Column, String

        class HeroBase(SQLModel):
            name: str = Field(index=True)

        class Hero(HeroBase, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            secret: str = Field(max_length=20, unique=True)
            age: Optional[int] = None
            team_id: Optional[int] = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
            bio: str = Field(sa_column=Column(String(300), server_default="none"))
            power: float = Field(sa_column_kwargs={"server_default": "1.5"})
        """
    )
    (hero,) = index.entities()
    table = hero.table
    assert table.name == "hero"
    assert table.column_names == ("name", "id", "secret", "age", "team_id", "bio", "power")
    columns = {c.name: c for c in table.columns}
    assert columns["id"].nullable is False and columns["id"].autoincrement is True
    assert columns["name"].nullable is False and columns["name"].type == "AutoString"
    assert columns["secret"].sa_type.kwarg("length") == 20
    assert columns["age"].nullable is True
    assert columns["bio"].sa_type.kwarg("length") == 300 and columns["bio"].default == "'none'"
    assert columns["power"].sa_type.name == "Float" and columns["power"].default == "'1.5'"
    assert [(i.name, i.columns) for i in table.indexes] == [("ix_hero_name", ("name",))]
    assert [u.columns for u in table.unique_constraints] == [("secret",)]
    (fk,) = table.foreign_keys
    assert (fk.referred_table, fk.referred_columns, fk.on_delete) == ("team", ("id",), "CASCADE")


def test_parse_source_never_raises_and_reports_syntax_errors() -> None:
    parsed = parse_source("class (:\n", "/x.py")
    assert not parsed.ok and parsed.error
    assert parse_source("x = 1\n", "/x.py").ok


def test_flask_sqlalchemy_models() -> None:
    index = _index(
        extensions="""\
        from flask_sqlalchemy import SQLAlchemy
        from sqlalchemy import MetaData

        db = SQLAlchemy(metadata=MetaData(naming_convention={"pk": "pk_%(table_name)s"}))
        """,
        models="""\
        from app.extensions import db

        class UserAccount(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            email = db.Column(db.String(120), unique=True, nullable=False)
            kind = db.Column(db.String(10))
            posts = db.relationship("Post", backref="author")

        class AdminAccount(UserAccount):
            level = db.Column(db.Integer)

        class Post(db.Model):
            __tablename__ = "post"
            id = db.Column(db.Integer, primary_key=True)
            author_id = db.Column(db.Integer, db.ForeignKey("user_account.id"), index=True)
        """,
    )
    by_name = {e.table.name: e for e in index.entities()}
    assert set(by_name) == {"user_account", "post"}
    account = by_name["user_account"].table
    assert account.column_names == ("id", "email", "kind", "level")  # AdminAccount: same table
    assert account.primary_key is not None and account.primary_key.name == "pk_user_account"
    assert account.column("email").nullable is False  # type: ignore[union-attr]
    post = by_name["post"].table
    assert [(f.referred_table, f.columns) for f in post.foreign_keys] == [
        ("user_account", ("author_id",))
    ]
    assert [i.name for i in post.indexes] == [None]  # a custom convention without "ix"


def test_base_outside_the_workspace_checks_what_is_explicit() -> None:
    index = _index(
        models="""\
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import Mapped, mapped_column
        from company_lib.db import Base

        class Thing(Base):
            __tablename__ = "thing"
            id = Column(Integer, primary_key=True)
            name: Mapped[str] = mapped_column(String(20), unique=True)
            size: Mapped[int]
        """
    )
    (thing,) = index.entities()
    assert thing.table.column("name").sa_type.kwarg("length") == 20  # type: ignore[union-attr]
    assert "column:size.type" in thing.unresolved
    assert "column:name.type" not in thing.unresolved
    assert any("outside the workspace" in note.message for note in thing.notes)
    (unique,) = thing.table.unique_constraints
    assert unique.name is None and "unique:(name).name" in thing.unresolved


def test_table_in_class_body_registry_mapped_and_index_options() -> None:
    index = _index(
        models="""\
        import sqlalchemy as sa
        from sqlalchemy.orm import registry

        reg = registry()
        metadata = sa.MetaData()

        class Legacy(reg.generate_base()):
            __table__ = sa.Table(
                "legacy", metadata, sa.Column("id", sa.Integer, primary_key=True)
            )

        @reg.mapped
        class Mapped:
            __tablename__ = "mapped_t"
            id = sa.Column(sa.Integer, primary_key=True)
            doc = sa.Column(sa.Text)
            __table_args__ = (
                sa.Index(
                    "ix_doc", "doc", postgresql_using="GIN", postgresql_where=sa.text("id > 1")
                ),
            )
        """
    )
    by_name = {e.table.name: e for e in index.entities()}
    assert by_name["legacy"].class_name == "Legacy"
    assert by_name["legacy"].range.start_line == 6
    mapped = by_name["mapped_t"]
    (neutral,) = mapped.table.indexes  # one dialect keyword each: carried, resolved
    assert (neutral.method, neutral.where) == ("gin", "id > 1")
    (ix,) = mapped.for_dialect("postgresql").table.indexes
    assert (ix.name, ix.method, ix.where) == ("ix_doc", "gin", "id > 1")
    assert mapped.for_dialect("postgresql").is_resolved("index:ix_doc", "where")
    (plain,) = mapped.for_dialect("sqlite").table.indexes
    assert (plain.method, plain.where) == (None, None)  # SQLAlchemy ignores postgresql_*
    assert mapped.for_dialect("sqlite").is_resolved("index:ix_doc", "where")


def test_computed_names_type_checking_blocks_and_project_registries() -> None:
    index = _index(
        base="""\
        import re
        from typing import TYPE_CHECKING
        from sqlalchemy.orm import DeclarativeBase, declared_attr
        from app.registry import make_registry

        SNAKE = re.compile(r"(?<!^)(?=[A-Z])")

        class Base(DeclarativeBase):
            if TYPE_CHECKING:
                __tablename__: str
            else:

                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return SNAKE.sub("_", cls.__name__).lower()

        class ProjectBase(DeclarativeBase):
            registry = make_registry()
        """,
        models="""\
        from sqlalchemy import String
        from sqlalchemy.orm import Mapped, declared_attr, mapped_column
        from app.base import Base, ProjectBase

        class OrderLine(Base):
            id: Mapped[int] = mapped_column(primary_key=True)

        class Widget(ProjectBase):
            __tablename__ = "widget"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(String(10))

        class Odd(Base):
            @declared_attr.directive
            def __tablename__(cls) -> str:
                return lookup(cls)

            id: Mapped[int] = mapped_column(primary_key=True)
        """,
    )
    by_name = {e.table.name: e for e in index.entities()}
    assert set(by_name) == {"order_line", "widget"}
    widget = by_name["widget"]
    # The registry is project code: annotation types and names are not claimed.
    assert {"column:id.type", "primary_key.name"} <= widget.unresolved
    assert widget.table.column("name").sa_type.kwarg("length") == 10  # type: ignore[union-attr]
    notes = index.notes_in("/ws/app/models.py")
    assert any(
        n.message == "not checked: class Odd (its __tablename__ is computed: call to lookup)"
        for n in notes
    ), [n.message for n in notes]
    odd_note = next(n for n in notes if "class Odd" in n.message)
    assert odd_note.range == SourceRange("/ws/app/models.py", 12, 6, 12, 9)


def test_dialect_keywords_apply_to_their_dialect_only() -> None:
    index = _index(
        models="""\
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            pass

        class Task(Base):
            __tablename__ = "task"
            id = sa.Column(sa.Integer, primary_key=True)
            done = sa.Column(sa.Boolean)
            __table_args__ = (
                sa.Index(
                    "ix_open",
                    "id",
                    postgresql_where=sa.text("done = false"),
                    sqlite_where=sa.text("done = 0"),
                    mysql_using="BTREE",
                ),
            )
        """
    )
    (task,) = index.entities()
    assert not task.is_resolved("index:ix_open", "where")  # two predicates: per dialect only
    where = {d: task.for_dialect(d).table.indexes[0].where for d in ("postgresql", "sqlite")}
    assert where == {"postgresql": "done = false", "sqlite": "done = 0"}
    assert task.for_dialect("mysql").table.indexes[0].where is None
    assert task.for_dialect("mariadb").table.indexes[0].method == "btree"
    assert task.for_dialect("postgresql").table.indexes[0].method is None


def test_relationships_are_not_columns_but_json_collections_are() -> None:
    index = _index(
        models="""\
        from typing import Any
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
        from app.helpers import make_relation

        class Base(DeclarativeBase):
            type_annotation_map = {dict[str, Any]: sa.JSON}

        class Parent(Base):
            __tablename__ = "parent"
            id: Mapped[int] = mapped_column(primary_key=True)
            data: Mapped[dict[str, Any]]
            children: Mapped[list["Child"]] = make_relation("Child")
            favourite: Mapped["Child"] = make_relation("Child")

        class Child(Base):
            __tablename__ = "child"
            id: Mapped[int] = mapped_column(primary_key=True)
            parent: Mapped[Parent] = relationship()
        """
    )
    by_name = {e.table.name: e for e in index.entities()}
    parent = by_name["parent"].table
    assert parent.column_names == ("id", "data")
    assert parent.column("data").sa_type.name == "JSON"  # type: ignore[union-attr]
    assert by_name["child"].table.column_names == ("id",)


def test_naming_convention_assigned_to_a_metadata_elsewhere() -> None:
    index = _index(
        db="""\
        from sqlmodel import SQLModel
        from app.base import Base

        SQLModel.metadata.naming_convention = {"pk": "pk_%(table_name)s"}
        Base.metadata.naming_convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
        """,
        base="""\
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            pass
        """,
        models="""\
        from typing import Optional
        from sqlmodel import Field, SQLModel
        from sqlalchemy import Column, Integer, String
        from app.base import Base

        class Team(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)

        class Tag(Base):
            __tablename__ = "tag"
            id = Column(Integer, primary_key=True)
            name = Column(String(20), unique=True)
        """,
    )
    by_name = {e.table.name: e.table for e in index.entities()}
    assert by_name["team"].primary_key.name == "pk_team"  # type: ignore[union-attr]
    assert [u.name for u in by_name["tag"].unique_constraints] == ["uq_tag_name"]
    assert index.dependents("/ws/app/db.py") == set(index.paths)
    index.update("/ws/app/db.py", "from sqlmodel import SQLModel\n")
    assert {e.table.name: e.table for e in index.entities()}["team"].primary_key.name is None  # type: ignore[union-attr]


def test_without_roots_modules_are_named_as_python_imports_them(tmp_path: Path) -> None:
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(textwrap.dedent(BASE))
    (package / "models.py").write_text(MODELS.replace("from app.base", "from shop.base"))
    (entity,) = parse_entities([package / "base.py", package / "models.py"])
    assert entity.table.column_names == ("id", "email", "boss_id", "stamp")


def test_with_variant_types_apply_per_dialect_and_follow_foreign_keys() -> None:
    index = _index(
        models="""\
        import sqlalchemy as sa

        metadata = sa.MetaData()
        events = sa.Table(
            "events",
            metadata,
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        )
        logs = sa.Table("logs", metadata, sa.Column("event_id", sa.ForeignKey("events.id")))
        """
    )
    by_name = {e.table.name: e for e in index.entities()}
    for name, column in (("events", "id"), ("logs", "event_id")):
        entity = by_name[name]
        assert not entity.is_resolved(f"column:{column}", "type")  # depends on the dialect
        types = {
            d: entity.for_dialect(d).table.column(column).sa_type.name  # type: ignore[union-attr]
            for d in ("sqlite", "postgresql")
        }
        assert types == {"sqlite": "Integer", "postgresql": "BigInteger"}
        assert entity.for_dialect("sqlite").is_resolved(f"column:{column}", "type")
    assert by_name["events"].table.column("id").autoincrement  # type: ignore[union-attr]


def test_reflected_tables_are_not_checked() -> None:
    index = _index(
        models="""\
        import sqlalchemy as sa
        from sqlalchemy.ext.declarative import DeferredReflection
        from sqlalchemy.orm import DeclarativeBase

        engine = sa.create_engine("sqlite://")
        metadata = sa.MetaData()
        legacy = sa.Table("legacy", metadata, autoload_with=engine)

        class Base(DeclarativeBase):
            pass

        class Reflected(DeferredReflection):
            __abstract__ = True

        class Report(Reflected, Base):
            __tablename__ = "report"
            id = sa.Column(sa.Integer, primary_key=True)
        """
    )
    assert index.entities() == []
    messages = sorted(n.message for n in index.notes_in("/ws/app/models.py"))
    assert messages == [
        "not checked: table legacy (Table(autoload_with=...) reads it from the database)",
        "not checked: table report (it uses DeferredReflection)",
    ]


def test_star_imports_of_sqlalchemy_and_of_workspace_modules() -> None:
    index = _index(
        types="""\
        from sqlalchemy.types import *
        """,
        models="""\
        from sqlalchemy import *
        from app import types

        metadata = MetaData()
        package = Table(
            "package",
            metadata,
            Column("id", types.UnicodeText, primary_key=True),
            Column("name", String(100), nullable=False, unique=True),
        )
        """,
    )
    (package,) = index.entities()
    assert [c.sa_type.name for c in package.table.columns] == ["UnicodeText", "String"]
    assert not package.unresolved


def test_unreadable_table_args_mark_table_level_collections_incomplete() -> None:
    index = _index(
        models="""\
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase
        from app.helpers import standard_indexes

        class Base(DeclarativeBase):
            pass

        class Item(Base):
            __tablename__ = "item"
            __table_args__ = standard_indexes("item")
            id = sa.Column(sa.Integer, primary_key=True)
        """
    )
    (item,) = index.entities()
    assert {"table.indexes", "table.unique_constraints", "table.foreign_keys"} <= item.unresolved
    assert [n.message for n in item.notes] == ["not checked: __table_args__ (computed)"]
    assert item.notes[0].range.start_line == 9


def test_sqlmodel_subclass_redefinition_wins_in_the_inherited_place() -> None:
    index = _index(
        models="""\
        from typing import Optional
        from sqlmodel import Field, SQLModel

        class ItemBase(SQLModel):
            title: str = Field(max_length=50)
            note: Optional[str] = None

        class Item(ItemBase, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            title: str = Field(max_length=80, index=True)
        """
    )
    (item,) = index.entities()
    assert item.table.column_names == ("title", "note", "id")
    title = item.table.column("title")
    assert title is not None and title.sa_type.kwarg("length") == 80
    assert [i.columns for i in item.table.indexes] == [("title",)]
    assert item.range_of("column:title").start_line == 9  # the subclass's line


def test_try_import_wins_over_its_fallback_definition(tmp_path):
    """Flask-AppBuilder's pattern: SQLAlchemy's mapped_column, or a stub where it is absent."""
    models = tmp_path / "models.py"
    models.write_text(
        "from sqlalchemy import Integer, String\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped\n"
        "try:\n"
        "    from sqlalchemy.orm import mapped_column\n"
        "except ImportError:\n"
        "    def mapped_column(*args, **kwargs): ...\n"
        "\n"
        "class Base(DeclarativeBase):\n"
        "    pass\n"
        "\n"
        "class Thing(Base):\n"
        "    __tablename__ = 'things'\n"
        "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(String(100), unique=True)\n"
    )
    [entity] = parse_entities([models])
    assert entity.notes == ()
    assert entity.table.column_names == ("id", "name")
    assert entity.table.primary_key is not None
    assert entity.table.primary_key.columns == ("id",)
    assert entity.table.column("name").sa_type.kwarg("length") == 100
