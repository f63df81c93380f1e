# ruff: noqa: E501  (model source lines are kept as users write them)
"""Edges where tools usually stumble: computed columns, prefix and descending indexes,
FetchedValue, primary keys declared Optional, index methods, and FK columns MariaDB indexes
with the model's own index."""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import Expect, Scenario, alembic_fp, alembic_miss, changed, orm
from .stories_options import ALEMBIC_NO_CHECKS
from .stories_sqltext import ALEMBIC_NO_WHERE

PARTIAL = ("sqlite", "postgresql")  # the dialects with partial indexes

PG_ONLY = {"sqlite": "PostgreSQL index methods", "mysql": "PostgreSQL index methods"}

COMPUTED = orm(
    """
    class Rectangle(Base):
        __tablename__ = "rectangles"

        id: Mapped[int] = mapped_column(primary_key=True)
        width: Mapped[int]
        height: Mapped[int]
        area: Mapped[int] = mapped_column(sa.Computed("width * height"))  # [area]
    """
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "computed_column_clean",
        "A Computed('width * height') column from create_all: nothing, whatever spelling "
        "each database reflects (Alembic issue 1837).",
        COMPUTED,
    ),
    Scenario(
        "optional_primary_key_clean",
        "Mapped[Optional[int]] on a primary key: SQLAlchemy keeps Column.nullable True, but "
        "the database keeps a key column NOT NULL (SQLite's rowid too), so nothing.",
        orm(
            """
            class Slot(Base):
                __tablename__ = "slots"

                id: Mapped[Optional[int]] = mapped_column(primary_key=True)
                label: Mapped[str] = mapped_column(sa.String(10))
            """
        ),
        oracle=(
            alembic_fp(
                "nullable",
                "slots",
                "id",
                "Alembic compares Column.nullable (True from Optional) although the "
                "primary key makes the column NOT NULL in every DDL it emits",
                "postgresql",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "fetched_value_clean",
        "server_default=FetchedValue(): the model says 'the database fills this in', with "
        "a trigger-made default the model cannot know; nothing.",
        orm(
            """
            class Stamp(Base):
                __tablename__ = "stamps"

                id: Mapped[int] = mapped_column(primary_key=True)
                token: Mapped[str] = mapped_column(sa.String(20), server_default=sa.FetchedValue())  # [token]
            """
        ),
        expect=(Expect("SL001", "stamps", "token", "token"),),
        database=changed(("server_default=sa.FetchedValue()", 'server_default="abc"')),
    ),
    Scenario(
        "fk_column_with_own_index_clean",
        "A foreign key column with index=True: MariaDB uses the model's index for the key "
        "(no implicit one); nothing.",
        orm(
            """
            class Team(Base):
                __tablename__ = "teams"

                id: Mapped[int] = mapped_column(primary_key=True)


            class Player(Base):
                __tablename__ = "players"

                id: Mapped[int] = mapped_column(primary_key=True)
                team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
                mentor_team_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("teams.id"), unique=True)
            """
        ),
    ),
    Scenario(
        "index_method_differs",
        "A GIN index in the model, a btree index of the same name in the database.",
        orm(
            """
            from sqlalchemy.dialects import postgresql as pg


            class Doc(Base):
                __tablename__ = "docs"
                __table_args__ = (sa.Index("ix_docs_tags", "tags", postgresql_using="gin"),)  # [tags]

                id: Mapped[int] = mapped_column(primary_key=True)
                tags = mapped_column(pg.JSONB, nullable=False)
            """
        ),
        expect=(Expect("SL162", "docs", "ix_docs_tags", "tags"),),
        database=changed(
            (
                'sa.Index("ix_docs_tags", "tags", postgresql_using="gin")',
                'sa.Index("ix_docs_tags", "tags")',
            )
        ),
        skip_on=PG_ONLY,
        oracle=(
            alembic_miss(
                "index_changed",
                "docs",
                "tags",
                "Alembic does not compare index methods (postgresql_using; issue 1098 family)",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "mysql_prefix_index_clean",
        "A prefix index on a TEXT column (mysql_length=20), as MariaDB requires: nothing.",
        orm(
            """
            class Page(Base):
                __tablename__ = "pages"
                __table_args__ = (sa.Index("ix_pages_body", "body", mysql_length=20),)

                id: Mapped[int] = mapped_column(primary_key=True)
                body: Mapped[str] = mapped_column(sa.Text)
            """
        ),
    ),
    Scenario(
        "descending_index_clean",
        "Index('ix_events_at', desc('at')): a descending index from create_all; read as "
        "an index on at (the order is not compared), never a difference, no note.",
        orm(
            """
            import datetime


            class Event(Base):
                __tablename__ = "events"
                __table_args__ = (sa.Index("ix_events_at", sa.desc("at")),)  # [at]

                id: Mapped[int] = mapped_column(primary_key=True)
                at: Mapped[datetime.datetime]
            """
        ),
        oracle=(
            alembic_fp(
                "index_changed",
                "events",
                "at DESC",
                "Alembic compares the model's desc('at') with a reflected plain (at) on "
                "SQLite and MariaDB and re-creates the index every run",
                "sqlite",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "numeric_without_precision_clean",
        "Numeric() and Float() without arguments, from create_all: nothing.",
        orm(
            """
            class Measure(Base):
                __tablename__ = "measures"

                id: Mapped[int] = mapped_column(primary_key=True)
                amount = mapped_column(sa.Numeric(), nullable=True)
                ratio = mapped_column(sa.Float(), nullable=True)
                exact = mapped_column(sa.Numeric(10), nullable=True)
            """
        ),
    ),
    Scenario(
        "unique_and_index_on_same_column_clean",
        "unique=True and index=True on the same column (one unique index in SQLAlchemy's "
        "DDL): nothing.",
        orm(
            """
            class Badge(Base):
                __tablename__ = "badges"

                id: Mapped[int] = mapped_column(primary_key=True)
                code: Mapped[str] = mapped_column(sa.String(12), unique=True, index=True)  # [code]
            """
        ),
    ),
    Scenario(
        "unique_index_missing_in_database",
        "unique=True, index=True on code, the database has a plain index: the index is "
        "not unique there.",
        orm(
            """
            class Badge(Base):
                __tablename__ = "badges"

                id: Mapped[int] = mapped_column(primary_key=True)
                code: Mapped[str] = mapped_column(sa.String(12), unique=True, index=True)  # [code]
            """
        ),
        expect=(Expect("SL162", "badges", "ix_badges_code", "code"),),
        database=changed(("unique=True, index=True", "index=True")),
    ),
)

ENUM_AND_CLASSMETHOD = """
    import enum


    class Status(str, enum.Enum):
        DRAFT = "draft"
        ACTIVE = "active"


    class Stage:
        ACTIVE = "active"
        DELETED = "deleted"

        @classmethod
        def stages(cls, deleted=True):
            stages = []
            stages.append(cls.ACTIVE)
            if deleted:
                stages.append(cls.DELETED)
            return stages


    class SourceType:
        NOTEBOOK, JOB, LOCAL = range(1, 4)
        _BY_NAME = {"NOTEBOOK": NOTEBOOK, "JOB": JOB, "LOCAL": LOCAL}
        TO_STRING = {value: key for key, value in _BY_NAME.items()}

        @staticmethod
        def to_string(status):
            if status not in SourceType.TO_STRING:
                raise ValueError(status)
            return SourceType.TO_STRING[status]


    class Server(Base):
        __tablename__ = "servers"

        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[str] = mapped_column(sa.String(20), server_default=sa.text(f"'{Status.DRAFT.value}'"))  # [status]
        other: Mapped[str] = mapped_column(sa.String(20), server_default=Status.ACTIVE.value)  # [other]
        stage = mapped_column(sa.String(20))
        source = mapped_column(sa.String(20))
        kind = mapped_column(sa.Enum(*[member.value for member in Status], name="kind"))

        __table_args__ = (
            sa.CheckConstraint(stage.in_(Stage.stages()), name="ck_stage"),  # [ck_stage]
            sa.CheckConstraint(source.in_([SourceType.to_string(SourceType.JOB), SourceType.to_string(SourceType.LOCAL)]), name="ck_source"),  # [ck_source]
        )
    """

GUID_MODELS = """
    import uuid

    from sqlalchemy.dialects.postgresql import UUID


    class GUID(sa.types.TypeDecorator):
        class UUIDChar(sa.CHAR):
            python_type = uuid.UUID

        impl = UUIDChar
        cache_ok = True

        def load_dialect_impl(self, dialect):
            if dialect.name == "postgresql":
                return dialect.type_descriptor(UUID())
            else:
                return dialect.type_descriptor(sa.CHAR(36))


    class Account(Base):
        __tablename__ = "accounts"

        id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True)  # [account_id]


    class Membership(Base):
        __tablename__ = "memberships"

        id: Mapped[int] = mapped_column(primary_key=True)
        account_id: Mapped[uuid.UUID] = mapped_column(GUID, sa.ForeignKey("accounts.id"))  # [membership_account]
    """

SCENARIOS += (
    Scenario(
        "explicit_sequence_key_clean",
        "mapped_column(sa.Sequence('order_number_seq'), primary_key=True): PostgreSQL's "
        "default is nextval('order_number_seq'), which the model declared; nothing (on "
        "SQLite and MariaDB the Sequence is ignored).",
        orm(
            """
            class Order(Base):
                __tablename__ = "orders"

                id: Mapped[int] = mapped_column(sa.Sequence("order_number_seq"), primary_key=True)
                note: Mapped[Optional[str]] = mapped_column(sa.String(20))
            """
        ),
    ),
    Scenario(
        "big_and_small_serial_keys_clean",
        "BigInteger and SmallInteger keys: BIGSERIAL / SMALLSERIAL on PostgreSQL, "
        "AUTO_INCREMENT on MariaDB; nothing.",
        orm(
            """
            class Big(Base):
                __tablename__ = "bigs"

                id = mapped_column(sa.BigInteger, primary_key=True)


            class Small(Base):
                __tablename__ = "smalls"

                id = mapped_column(sa.SmallInteger, primary_key=True)
            """
        ),
    ),
    Scenario(
        "timestamp_not_null_clean",
        "A NOT NULL TIMESTAMP column (MariaDB once gave these an implicit DEFAULT "
        "current_timestamp() ON UPDATE ...): nothing.",
        orm(
            """
            class Beat(Base):
                __tablename__ = "beats"

                id: Mapped[int] = mapped_column(primary_key=True)
                at = mapped_column(sa.TIMESTAMP, nullable=False)
            """
        ),
    ),
    Scenario(
        "array_element_type_differs",
        "ARRAY(String(20)) in the model, text[] in the database (PostgreSQL).",
        orm(
            """
            from sqlalchemy.dialects import postgresql as pg


            class Post(Base):
                __tablename__ = "posts"

                id: Mapped[int] = mapped_column(primary_key=True)
                tags = mapped_column(pg.ARRAY(sa.String(20)), nullable=False)  # [tags]
            """
        ),
        expect=(Expect("SL120", "posts", "tags", "tags"),),
        database=changed(("pg.ARRAY(sa.String(20))", "pg.ARRAY(sa.Text)")),
        skip_on={"sqlite": "PostgreSQL arrays", "mysql": "PostgreSQL arrays"},
    ),
    Scenario(
        "mysql_collation_differs",
        "String(40, collation='utf8mb4_bin') in the model, the default collation in the "
        "database (MariaDB; Alembic issue 1041).",
        orm(
            """
            class Code(Base):
                __tablename__ = "codes"

                id: Mapped[int] = mapped_column(primary_key=True)
                value: Mapped[str] = mapped_column(sa.String(40, collation="utf8mb4_bin"))  # [value]
            """
        ),
        expect=(Expect("SL120", "codes", "value", "value"),),
        database=changed(('sa.String(40, collation="utf8mb4_bin")', "sa.String(40)")),
        skip_on={"sqlite": "MariaDB collation names", "postgresql": "MariaDB collation names"},
        oracle=(
            alembic_miss(
                "type",
                "codes",
                "value",
                "Alembic does not compare collations (issue 1041)",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "mysql_collation_clean",
        "String(40, collation='utf8mb4_bin') from create_all (MariaDB): nothing.",
        orm(
            """
            class Code(Base):
                __tablename__ = "codes"

                id: Mapped[int] = mapped_column(primary_key=True)
                value: Mapped[str] = mapped_column(sa.String(40, collation="utf8mb4_bin"))
            """
        ),
        skip_on={"sqlite": "MariaDB collation names", "postgresql": "MariaDB collation names"},
    ),
    Scenario(
        "table_options_by_dict_call_clean",
        "__table_args__ ending in dict(sqlite_autoincrement=True) (the builtin dict, not a "
        "literal), and a whole __table_args__ = dict(comment=...): read as the options they "
        "are, the unique constraint before them still compared; nothing.",
        orm(
            """
            class Token(Base):
                __tablename__ = "tokens"
                __table_args__ = (sa.UniqueConstraint("code"), dict(sqlite_autoincrement=True))

                id: Mapped[int] = mapped_column(primary_key=True)
                code: Mapped[str] = mapped_column(sa.String(12))  # [code]


            class Grant(Base):
                __tablename__ = "grants"
                __table_args__ = dict(comment="who may do what")

                id: Mapped[int] = mapped_column(primary_key=True)
            """
        ),
    ),
    Scenario(
        "table_options_by_dict_call_drift",
        "The same, the database without the unique constraint: found, at the constraint.",
        orm(
            """
            class Token(Base):
                __tablename__ = "tokens"
                __table_args__ = (sa.UniqueConstraint("code"), dict(sqlite_autoincrement=True))  # [uq]

                id: Mapped[int] = mapped_column(primary_key=True)
                code: Mapped[str] = mapped_column(sa.String(12))  # [code]
            """
        ),
        database=changed(('(sa.UniqueConstraint("code"), dict(', "(dict(")),
        expect=(Expect("SL170", "tokens", None, "uq"),),
    ),
    Scenario(
        "type_decorator_nested_impl_clean",
        "A GUID TypeDecorator whose impl is a CHAR subclass nested in its own body (impl = "
        "UUIDChar) and whose load_dialect_impl picks UUID or CHAR(36): the key and a "
        "foreign key to it compared as each database made them, nothing.",
        orm(GUID_MODELS),
    ),
    Scenario(
        "type_decorator_nested_impl_drift",
        "The database was made with CHAR(32): found at both columns where CHAR is used "
        "(PostgreSQL has UUID either way).",
        orm(GUID_MODELS),
        database=changed(("sa.CHAR(36)", "sa.CHAR(32)")),
        expect=(
            Expect("SL120", "accounts", "id", "account_id"),
            Expect("SL120", "memberships", "account_id", "membership_account"),
        ),
        expect_on={"postgresql": ()},
    ),
    Scenario(
        "helpers_with_try_blocks",
        "A declared_attr that reads an optional class attribute in try/except "
        "AttributeError for its Python default, and a helper whose length depends on "
        "whether int() raises: the first column is checked (its DDL does not depend on "
        "the try), the second is one note naming the try, and nothing is claimed about "
        "it although the database's length differs.",
        orm(
            """
            import functools


            def sized(value):
                try:
                    length = int(value)
                except ValueError:
                    length = 10
                return sa.String(length)


            class Expiring:
                @sa.orm.declared_attr
                def expires_at(cls):  # [expires]
                    try:
                        seconds = getattr(cls, "__lifetime_seconds__")
                        default = functools.partial(print, seconds)
                    except AttributeError:
                        default = None
                    return mapped_column(sa.DateTime, nullable=False, default=default)


            class Code(Expiring, Base):
                __tablename__ = "codes"
                __lifetime_seconds__ = 60

                id: Mapped[int] = mapped_column(primary_key=True)
                label = mapped_column(sized("20"), nullable=True)  # [label]
            """
        ),
        database=changed(
            ("sa.DateTime, nullable=False", "sa.DateTime, nullable=True"),
            ('sized("20")', "sa.String(30)"),
        ),
        expect=(
            Expect("SL130", "codes", "expires_at", "expires"),
            Expect("SL001", "codes", "label", "label"),
        ),
        oracle=(
            alembic_fp(
                "type",
                "codes",
                "label",
                "Alembic runs sized() (here int('20') does not raise); read statically, "
                "the length is unknown, so it is a note",
            ),
        ),
    ),
    Scenario(
        "enum_values_and_classmethods_clean",
        "A server default from a str-mixed enum member's .value (in an f-string and bare), "
        "a CHECK over the list a plain class's classmethod builds with append, and one over "
        "a staticmethod's lookup in a dict comprehension of constants unpacked from "
        "range(), an Enum of the values of an enum's members: read as written, nothing to "
        "report.",
        orm(ENUM_AND_CLASSMETHOD),
        options=CompareOptions(check_constraints=True),
    ),
    Scenario(
        "enum_values_and_classmethods_drift",
        "The database's defaults are other members' values and it has no check: found at each.",
        orm(ENUM_AND_CLASSMETHOD),
        options=CompareOptions(check_constraints=True),
        database=changed(
            ("Status.DRAFT.value}", "Status.ACTIVE.value}"),
            ("server_default=Status.ACTIVE.value", "server_default=Status.DRAFT.value"),
            ('sa.CheckConstraint(stage.in_(Stage.stages()), name="ck_stage"),', ""),
        ),
        expect=(
            Expect("SL150", "servers", "status", "status"),
            Expect("SL150", "servers", "other", "other"),
            Expect("SL192", "servers", "ck_stage", "ck_stage"),
        ),
        oracle=(alembic_miss("check_missing", "servers", None, ALEMBIC_NO_CHECKS),),
    ),
)

ENUM_MEMBERS_IN_WHERE = """
    import enum

    from sqlalchemy.types import TypeDecorator


    class Status(str, enum.Enum):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

        @classmethod
        def finished(cls):
            return [cls.DONE, cls.FAILED]


    class StoredByName(TypeDecorator):
        impl = sa.String
        cache_ok = True

        def process_bind_param(self, value, dialect):
            return None if value is None else value.name


    class StoredByLookup(TypeDecorator):
        impl = sa.String
        cache_ok = True

        def __init__(self, codes, *args, **kwargs):
            self.codes = codes
            super().__init__(*args, **kwargs)

        def process_bind_param(self, value, dialect):
            return self.codes[value]


    CODES = {Status.RUNNING: "r", Status.DONE: "d", Status.FAILED: "f"}


    class Job(Base):
        __tablename__ = "jobs"

        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[Status] = mapped_column(StoredByName(20))
        phase: Mapped[Status] = mapped_column(sa.Enum(Status, native_enum=False))
        code: Mapped[Status] = mapped_column(StoredByLookup(CODES, 1))

        __table_args__ = (
            sa.Index(  # [open]
                "ix_jobs_open",
                id,
                sqlite_where=status.not_in(Status.finished()),
                postgresql_where=status.not_in(Status.finished()),
            ),
            sa.Index(  # [phase]
                "ix_jobs_phase",
                id,
                sqlite_where=phase.not_in(Status.finished()),
                postgresql_where=phase.not_in(Status.finished()),
            ),
            sa.Index(
                "ix_jobs_code",
                id,
                sqlite_where=code != Status.DONE,  # [code]
                postgresql_where=code != Status.DONE,  # [code_pg]
            ),
        )
    """

SCENARIOS += (
    Scenario(
        "enum_members_in_index_where_clean",
        "Partial indexes over a classmethod's list of enum members: on an Enum column they "
        "are stored by name, on a column whose project type stores value.name in its "
        "process_bind_param by what that returns, both read and compared; a type whose "
        "process_bind_param looks the member up in what __init__ kept is one note, never a "
        "claim.",
        orm(ENUM_MEMBERS_IN_WHERE),
        expect_on={
            "sqlite": (Expect("SL001", "jobs", "ix_jobs_code", "code"),),
            "postgresql": (Expect("SL001", "jobs", "ix_jobs_code", "code_pg"),),
        },
    ),
    Scenario(
        "enum_members_in_index_where_drift",
        "The database's partial indexes leave out another member: found on both columns.",
        orm(ENUM_MEMBERS_IN_WHERE),
        database=changed(
            (
                "sqlite_where=phase.not_in(Status.finished())",
                "sqlite_where=phase.not_in([Status.DONE])",
            ),
            (
                "postgresql_where=phase.not_in(Status.finished())",
                "postgresql_where=phase.not_in([Status.DONE])",
            ),
            (
                "sqlite_where=status.not_in(Status.finished())",
                "sqlite_where=status.not_in([Status.FAILED])",
            ),
            (
                "postgresql_where=status.not_in(Status.finished())",
                "postgresql_where=status.not_in([Status.FAILED])",
            ),
        ),
        expect_on={
            "sqlite": (
                Expect("SL001", "jobs", "ix_jobs_code", "code"),
                Expect("SL162", "jobs", "ix_jobs_open", "open"),
                Expect("SL162", "jobs", "ix_jobs_phase", "phase"),
            ),
            "postgresql": (
                Expect("SL001", "jobs", "ix_jobs_code", "code_pg"),
                Expect("SL162", "jobs", "ix_jobs_open", "open"),
                Expect("SL162", "jobs", "ix_jobs_phase", "phase"),
            ),
        },
        oracle=(
            alembic_miss("index_changed", "jobs", "id", ALEMBIC_NO_WHERE, *PARTIAL),
            alembic_miss("index_changed", "jobs", "id", ALEMBIC_NO_WHERE, *PARTIAL),
        ),
    ),
)

INT_ENUMS_AND_SETS = """
    import enum

    from sqlalchemy.orm import declared_attr


    class RichIntEnum(enum.IntEnum):
        pass


    class Kind(RichIntEnum):
        a = 1
        b = 2
        c = 3


    class Item(Base):
        __tablename__ = "items"

        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[int] = mapped_column()
        label: Mapped[Optional[str]] = mapped_column(sa.String(20))

        __table_args__ = (
            sa.CheckConstraint(f"kind != {Kind.c} OR label IS NOT NULL", name="ck_items_label"),  # [label]
            sa.CheckConstraint("kind IN ({k.a}, {k.b.value})".format(k=Kind), name="ck_items_kind"),  # [kind]
        )


    class Owned:
        allowed = frozenset(Kind)

        @declared_attr
        def b_id(cls):
            if Kind.b in cls.allowed:
                return sa.Column(sa.Integer, nullable=True)
            return None

        @declared_attr
        def flags(cls):  # [flags]
            excluded = set()
            if Kind.a not in cls.allowed:
                excluded.add(Kind.a)
            if Kind.b not in cls.allowed:
                excluded.add(Kind.b)
            return sa.Column(sa.String(10 + len(excluded)))


    class Box(Owned, Base):  # [box]
        __tablename__ = "boxes"
        allowed = Owned.allowed - {Kind.b}

        id: Mapped[int] = mapped_column(primary_key=True)
    """

SCENARIOS += (
    Scenario(
        "int_enums_and_sets_clean",
        "CHECKs written with an IntEnum subclass's members (an f-string and str.format "
        "fields reading k.a and k.b.value: their numbers), and a mixin's declared_attrs "
        "deciding on set membership (a frozenset of the enum minus a member, a set a "
        "helper grows with add): read as Python runs them, nothing to report, no note.",
        orm(INT_ENUMS_AND_SETS),
        options=CompareOptions(check_constraints=True),
    ),
    Scenario(
        "int_enums_and_sets_drift",
        "The database has no kind check, and its boxes have b_id and a narrower flags: each found.",
        orm(INT_ENUMS_AND_SETS),
        options=CompareOptions(check_constraints=True),
        database=changed(
            (
                'sa.CheckConstraint("kind IN ({k.a}, {k.b.value})".format(k=Kind), name="ck_items_kind"),',
                "",
            ),
            ("allowed = Owned.allowed - {Kind.b}", "allowed = Owned.allowed - {Kind.c}"),
        ),
        expect=(
            Expect("SL192", "items", "ck_items_kind", "kind"),
            Expect("SL111", "boxes", "b_id", "box"),
            Expect("SL120", "boxes", "flags", "flags"),
        ),
        oracle=(alembic_miss("check_missing", "items", None, ALEMBIC_NO_CHECKS),),
    ),
)

GENERATED_TABLE_ARGS = """
    import enum
    from itertools import chain

    from sqlalchemy.orm import declared_attr


    class classproperty:
        def __init__(self, function):
            self.function = function

        def __get__(self, instance, owner):
            return self.function.__get__(None, owner)()


    class Link(enum.IntEnum):
        page = 1
        file = 2


    _COLUMNS = {Link.page: {"page_id"}, Link.file: {"file_id"}}


    def _checks():
        every = set(chain.from_iterable(columns for _, columns in _COLUMNS.items()))
        for link in Link:
            unused = every - _COLUMNS[link]
            yield sa.CheckConstraint(
                "kind != {} OR ({})".format(link, " AND ".join(f"{c} IS NULL" for c in sorted(unused))),
                f"ck_links_{link.name}",
            )


    class Linked:
        unique_columns = None

        @declared_attr.directive
        def __table_args__(cls):
            return (sa.Index(None, "kind", *cls.unique_columns, unique=True),)  # [unique]


    class Links(Linked, Base):
        __tablename__ = "links"
        __table_args__ = tuple(_checks()) + (sa.Index("ix_links_kind", "kind"),)  # [args]

        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[int] = mapped_column()
        page_id: Mapped[Optional[int]] = mapped_column()
        file_id: Mapped[Optional[int]] = mapped_column()


    class Shares(Linked, Base):
        __tablename__ = "shares"

        @classproperty
        @classmethod
        def unique_columns(cls):
            return ("owner_id",) + ("slot",)

        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[int] = mapped_column()
        owner_id: Mapped[int] = mapped_column()
        slot: Mapped[int] = mapped_column()
    """

SCENARIOS += (
    Scenario(
        "generated_table_args_clean",
        "__table_args__ joined from a generator's checks (a for loop over an IntEnum, "
        "itertools.chain, set difference, sorted) and an index; a mixin's index over "
        "*cls.unique_columns, which a class property of the model computes (shadowing the "
        "mixin's None): read as Python runs them, nothing to report, no note.",
        orm(GENERATED_TABLE_ARGS),
        options=CompareOptions(check_constraints=True),
    ),
    Scenario(
        "generated_table_args_drift",
        "The database lacks the file check and the kind index, and its shares' unique "
        "index has no slot: each found.",
        orm(GENERATED_TABLE_ARGS),
        options=CompareOptions(check_constraints=True),
        database=changed(
            ("for link in Link:", "for link in [Link.page]:"),
            (' + (sa.Index("ix_links_kind", "kind"),)', ""),
            ('return ("owner_id",) + ("slot",)', 'return ("owner_id",)'),
        ),
        expect=(
            Expect("SL192", "links", "ck_links_file", "args"),
            Expect("SL160", "links", "ix_links_kind", "args"),
            Expect("SL162", "shares", "ix_shares_kind", "unique"),
        ),
        oracle=(alembic_miss("check_missing", "links", None, ALEMBIC_NO_CHECKS),),
    ),
)

GENERATED_ENUM_VALUES = """
    import enum

    from sqlalchemy.orm import declared_attr


    class AutoEnum(str, enum.Enum):
        @staticmethod
        def _generate_next_value_(name, *_):
            return name


    class Phase(AutoEnum):
        READY = enum.auto()
        PAUSED = enum.auto()


    class Expiring:
        @declared_attr
        def expires_in(cls):  # [expires]
            try:
                seconds = getattr(cls, "__lifetime__")
            except AttributeError:
                seconds = 60
            return sa.Column(sa.Integer, nullable=False, default=seconds)


    class Queue(Expiring, Base):
        __tablename__ = "queues"

        id: Mapped[int] = mapped_column(primary_key=True)
        phase: Mapped[Phase] = mapped_column(sa.Enum(Phase, name="queue_phase"), server_default=Phase.PAUSED)  # [phase]
    """

SCENARIOS += (
    Scenario(
        "generated_enum_values_clean",
        "An enum whose auto() values come from its base's _generate_next_value_ (the "
        "member's name), as an Enum column's server default; a mixin's declared_attr that "
        "reads getattr(cls, ...) in a try whose handler gives a default: read, nothing to "
        "report, no note.",
        orm(GENERATED_ENUM_VALUES),
    ),
    Scenario(
        "generated_enum_values_drift",
        "The database's default is the other member, and expires_in allows NULL: found.",
        orm(GENERATED_ENUM_VALUES),
        database=changed(
            ("server_default=Phase.PAUSED", "server_default=Phase.READY"),
            ("sa.Integer, nullable=False", "sa.Integer, nullable=True"),
        ),
        expect=(
            Expect("SL150", "queues", "phase", "phase"),
            Expect("SL130", "queues", "expires_in", "expires"),
        ),
    ),
)

DECLARED_LAMBDAS = """
    from sqlalchemy.orm import declared_attr


    class Named:
        __tablename__ = declared_attr(lambda cls: cls.__name__.lower() + "_items")


    class Box(Named, Base):  # [box]
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(sa.String(20))  # [label]
    """

SCENARIOS += (
    Scenario(
        "declared_lambda_tablename_clean",
        "__tablename__ = declared_attr(lambda cls: ...) on a mixin: the lambda is run for "
        "the class, its table read; nothing to report, no note.",
        orm(DECLARED_LAMBDAS),
    ),
    Scenario(
        "declared_lambda_tablename_drift",
        "The database's box_items.label is longer: found at the column.",
        orm(DECLARED_LAMBDAS),
        database=changed(("sa.String(20))  # [label]", "sa.String(40))  # [label]")),
        expect=(Expect("SL120", "box_items", "label", "label"),),
    ),
)

COLLATION_FROM_CONFIGURATION = """
    import os


    def collation_args():
        collation = os.environ.get("ID_COLLATION")
        if collation:
            return {"collation": collation}
        return {}


    COLLATION_ARGS = collation_args()


    def StringID(length=250):
        return sa.String(length, **COLLATION_ARGS)


    class Run(Base):
        __tablename__ = "runs"

        id: Mapped[int] = mapped_column(primary_key=True)
        dag_id: Mapped[str] = mapped_column(StringID())  # [dag_id]
        note: Mapped[str] = mapped_column(sa.String(20))
    """

SCENARIOS += (
    Scenario(
        "collation_from_configuration_clean",
        "A type whose collation comes from run-time configuration (**COLLATION_ARGS, a "
        "helper returning {'collation': ...} or {}): the collation is one note, the rest of "
        "the type is read; nothing claimed.",
        orm(COLLATION_FROM_CONFIGURATION),
        expect=(Expect("SL001", "runs", "dag_id", "dag_id"),),
    ),
    Scenario(
        "collation_from_configuration_drift",
        "The database's dag_id is VARCHAR(100): its length is still compared and found.",
        orm(COLLATION_FROM_CONFIGURATION),
        database=changed(("def StringID(length=250):", "def StringID(length=100):")),
        expect=(
            Expect("SL001", "runs", "dag_id", "dag_id"),
            Expect("SL120", "runs", "dag_id", "dag_id"),
        ),
    ),
)
