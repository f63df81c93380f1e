"""The real-world packages: pinned versions, where their models are, what we mutate.

Every expectation here names its reason. ``notes`` are the info-level differences a clean
database may show (anything else is a false positive); ``mutations`` are changes applied to
the built database, each on a column, index or foreign key that the package declares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The dialects a package's database is built on (MariaDB only where the package supports it).
SQLITE, POSTGRESQL, MYSQL = "sqlite", "postgresql", "mysql"


@dataclass(frozen=True)
class Mutation:
    """One change to the built database and the difference it must cause.

    ``action`` is one of drop_column, add_column, retype_column, drop_not_null, set_not_null,
    drop_index, drop_foreign_key; ``subject`` is the column (the index name for drop_index, the
    constrained column for drop_foreign_key); ``code`` the difference expected, reported on
    the declaration of the subject (the table's declaration for add_column).
    """

    action: str
    table: str
    subject: str
    code: str


@dataclass(frozen=True)
class RealWorldPackage:
    name: str  # the PyPI name
    version: str
    modules: tuple[str, ...]  # imported by the build script so every table is defined
    metadata: str  # ``module:attribute.path`` of the MetaData that create_all runs on
    dialects: tuple[str, ...]
    mutations: tuple[Mutation, ...]
    #: pip extras, e.g. ``[requirements]`` for a package whose dependencies are an extra
    extras: str = ""
    #: (code, table) info notes expected on a clean database, with the reason.
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    #: dialect -> why the clean check reports false positives today (strict xfail).
    known_false_positives: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


def _mutations(
    *,
    drop: str,
    add_to: str,
    retype: str,
    nullable: str,
    not_null: str,
    index: str,
    foreign_key: str,
) -> tuple[Mutation, ...]:
    """The seven mutations, each on a ``table.subject`` the package declares."""

    def on(target: str) -> tuple[str, str]:
        table, _, subject = target.partition(".")
        return table, subject

    return (
        Mutation("drop_column", *on(drop), "SL110"),
        Mutation("add_column", add_to, "extra_note", "SL111"),
        Mutation("retype_column", *on(retype), "SL120"),
        Mutation("drop_not_null", *on(nullable), "SL130"),
        Mutation("set_not_null", *on(not_null), "SL130"),
        Mutation("drop_index", *on(index), "SL160"),
        Mutation("drop_foreign_key", *on(foreign_key), "SL180"),
    )


BUILDBOT = RealWorldPackage(
    name="buildbot",
    version="4.3.0",
    modules=("buildbot.db.model",),
    metadata="buildbot.db.model:Model.metadata",
    dialects=(SQLITE, POSTGRESQL, MYSQL),
    mutations=_mutations(
        drop="projects.description_html",
        add_to="masters",
        retype="workers.pause_reason",
        nullable="object_state.value_json",
        not_null="users.bb_username",
        index="steps.steps_started_at",
        foreign_key="builders.projectid",
    ),
    notes={
        ("SL001", "workers"): "workers.info is a JsonObject, buildbot's own TypeDecorator",
    },
)

FLASK_APPBUILDER = RealWorldPackage(
    name="flask-appbuilder",
    version="5.3.0",
    modules=("flask_appbuilder.security.sqla.models",),
    metadata="flask_appbuilder:Model.metadata",
    dialects=(SQLITE, POSTGRESQL, MYSQL),
    mutations=_mutations(
        drop="ab_group.description",
        add_to="ab_group_role",
        retype="ab_group.label",
        nullable="ab_group.name",
        not_null="ab_user_group.user_id",
        index="ab_user_group.idx_user_id",
        foreign_key="ab_group_role.role_id",
    ),
    notes={},
)

AIM = RealWorldPackage(
    name="aim",
    version="3.29.1",
    modules=("aim.storage.structured.sql_engine.models",),
    metadata="aim.storage.structured.sql_engine.models:Base.metadata",
    dialects=(SQLITE, POSTGRESQL, MYSQL),
    mutations=_mutations(
        drop="tag.color",
        add_to="experiment",
        retype="note_audit_log.action",
        nullable="note.content",
        not_null="experiment.description",
        index="run.ix_run_hash",
        foreign_key="note.run_id",
    ),
)

CKAN = RealWorldPackage(
    name="ckan",
    version="2.12.0",
    # CKAN declares its pinned dependencies as the ``requirements`` extra.
    extras="[requirements]",
    modules=("ckan.model",),
    metadata="ckan.model.meta:metadata",
    # PostgreSQL only: CKAN supports no other database (its JSONB columns do not even
    # compile for SQLite or MariaDB).
    dialects=(POSTGRESQL,),
    mutations=_mutations(
        drop="package.author_email",
        add_to="system_info",
        retype="user.about",
        nullable="task_status.value",
        not_null="package.title",
        index="tag.idx_tag_name",
        foreign_key="package_tag.tag_id",
    ),
    notes={
        ("SL001", "package"): "expression indexes (lower(name::text) ...): SQL not compared",
        ("SL001", "user"): "expression indexes (lower(email) ...): SQL not compared",
        ("SL001", "resource"): "resource.extras is a JsonDictType, CKAN's own TypeDecorator",
        ("SL001", "resource_view"): "resource_view.config is a JsonDictType (TypeDecorator)",
    },
)

PACKAGES = (BUILDBOT, FLASK_APPBUILDER, AIM, CKAN)
