"""The real-world corpus: projects nobody here wrote, pinned, with where their models are.

Each project is installed (by ``python -m tests.realworld.refresh`` only, never in CI) into
its own venv, imported there, and described by a committed snapshot
(``tests/realworld/snapshots/<name>.json``). The tests need only the snapshot and the
sources of the distributions it lists (``pip download --no-deps``).
"""

from __future__ import annotations

from dataclasses import dataclass

SQLITE, POSTGRESQL, MYSQL = "sqlite", "postgresql", "mysql"
ALL = (SQLITE, POSTGRESQL, MYSQL)


@dataclass(frozen=True)
class Project:
    name: str  # the PyPI name, also the snapshot's file name
    version: str
    #: imported (in the project's venv) so that every table is defined
    modules: tuple[str, ...]
    #: ``module:expression`` of the MetaData, evaluated in that module
    metadata: str
    #: the dialects the project supports (and whose ``create_all`` works)
    dialects: tuple[str, ...]
    #: how the project writes its models, for the report
    style: str
    #: pip extras of the project, e.g. ``[requirements]`` for CKAN's pinned dependencies
    extras: str = ""
    #: installed beside it, e.g. SQLAlchemy where the project makes it optional
    requirements: tuple[str, ...] = ()
    #: distributions whose sources the checker needs besides those the refresh finds
    #: (the ones shipping model files or declarations)
    distributions: tuple[str, ...] = ()
    #: changes to the imported MetaData before create_all, where the project's own
    #: create_all fails (in_project.FIXES): each is explained where it is used
    fixes: tuple[str, ...] = ()
    #: dialect -> SQL run before create_all (and replayed with its DDL), e.g. an extension
    setup: tuple[tuple[str, str], ...] = ()
    #: environment variables the project needs to import its models (settings read at
    #: import time), set for the import and for the timed Alembic run
    environment: tuple[tuple[str, str], ...] = ()
    #: folders of the install (relative to site-packages) put first on ``sys.path`` before
    #: the import, for a project that runs from its own folder (pgAdmin's ``import config``)
    paths: tuple[str, ...] = ()


PROJECTS = (
    Project(
        name="buildbot",
        version="4.3.0",
        modules=("buildbot.db.model",),
        metadata="buildbot.db.model:Model.metadata",
        dialects=ALL,
        style="imperative Table() in one class, naming convention, custom TypeDecorator",
    ),
    Project(
        name="flask-appbuilder",
        version="5.3.0",
        modules=("flask_appbuilder.security.sqla.models",),
        metadata="flask_appbuilder:Model.metadata",
        dialects=ALL,
        style="Flask-SQLAlchemy-like Model base, 2.0 Mapped[] with mapped_column, Sequence",
    ),
    Project(
        name="aim",
        version="3.29.1",
        modules=("aim.storage.structured.sql_engine.models",),
        metadata="aim.storage.structured.sql_engine.models:Base.metadata",
        dialects=ALL,
        style="legacy declarative Column, association Table",
    ),
    Project(
        name="ckan",
        version="2.12.0",
        extras="[requirements]",
        modules=("ckan.model",),
        metadata="ckan.model.meta:metadata",
        # CKAN supports PostgreSQL only (its JSONB columns compile for nothing else).
        dialects=(POSTGRESQL,),
        style="imperative Table() mapped classically, many modules, types from other modules",
    ),
    Project(
        name="optuna",
        version="5.1.0",
        modules=("optuna.storages._rdb.models",),
        metadata="optuna.storages._rdb.models:BaseModel.metadata",
        dialects=ALL,
        style="legacy declarative Column, UniqueConstraint in __table_args__, Enum, Float",
    ),
    Project(
        name="celery",
        version="5.7.0",
        extras="[sqlalchemy]",
        modules=("celery.backends.database.models",),
        metadata="celery.backends.database.session:ResultModelBase.metadata",
        dialects=ALL,
        style="declarative Column with Sequence, PickleType, base from another module",
    ),
    Project(
        name="jupyterhub",
        version="6.1.1",
        modules=("jupyterhub.orm",),
        metadata="jupyterhub.orm:Base.metadata",
        dialects=ALL,
        style="legacy declarative Column, association Tables, custom JSON TypeDecorator",
    ),
    Project(
        name="nbgrader",
        version="0.9.6",
        modules=("nbgrader.api",),
        metadata="nbgrader.api:Base.metadata",
        dialects=ALL,
        style="declarative Column, joined-table inheritance, column_property",
    ),
    Project(
        name="mlflow-skinny",
        version="3.18.0",
        requirements=("sqlalchemy<2.1",),
        modules=(
            "mlflow.store.tracking.dbmodels.models",
            "mlflow.store.model_registry.dbmodels.models",
        ),
        metadata="mlflow.store.db.base_sql_model:Base.metadata",
        # MLflow declares an Index without columns (its migrations make the real one), which
        # create_all cannot build: the database is built without it (the parser must not
        # claim it missing).
        fixes=("indexes_without_columns",),
        # PostgreSQL refuses MLflow's foreign key to a non-unique column.
        dialects=(SQLITE, MYSQL),
        style="legacy declarative Column, table-level constraints in __table_args__, "
        "base in another module",
    ),
    Project(
        name="dagster",
        version="1.13.29",
        modules=("dagster._core.storage.runs.schema",),
        metadata="dagster._core.storage.runs.schema:RunStorageSqlMetadata",
        dialects=ALL,
        style="imperative Table() with db.Column via a module alias, Index with mysql_length",
    ),
    Project(
        name="ironic",
        version="39.0.0",
        modules=("ironic.db.sqlalchemy.models",),
        metadata="ironic.db.sqlalchemy.models:Base.metadata",
        dialects=ALL,
        style="oslo.db ModelBase mixins, declarative Column, table_args() helper function",
    ),
    Project(
        name="octavia",
        version="19.0.0",
        modules=("octavia.db.models",),
        metadata="octavia.db.base_models:BASE.metadata",
        dialects=ALL,
        style="oslo.db models, mixins with declared_attr, base in another module",
    ),
    Project(
        name="prefect",
        version="3.9.1",
        requirements=("sqlalchemy<2.1",),
        modules=("prefect.server.database.orm_models",),
        metadata="prefect.server.database.orm_models:Base.metadata",
        # artifact.key has index=True and an explicit Index of the same name (Prefect's
        # migrations make one): create_all would make both, so the column's goes.
        fixes=("duplicate_column_indexes",),
        # PostgreSQL: create_all makes its trigram gin indexes without their operator
        # class (Prefect's migrations make them), which PostgreSQL refuses.
        dialects=(SQLITE,),
        style="2.0 Mapped[] with computed snake_case __tablename__ (declared_attr), "
        "custom types in a type_annotation_map",
    ),
    Project(
        name="galaxy-data",
        version="26.1.2",
        modules=("galaxy.model",),
        metadata="galaxy.model:Base.metadata",
        # Galaxy supports PostgreSQL and SQLite (VARCHAR without a length: not MySQL).
        dialects=(SQLITE, POSTGRESQL),
        style="one 12,000-line module, 2.0 Mapped[] and legacy Column mixed, TypeDecorators",
    ),
    Project(
        name="apscheduler",
        version="3.11.3",
        requirements=("sqlalchemy",),
        modules=("apscheduler.jobstores.sqlalchemy",),
        metadata='apscheduler.jobstores.sqlalchemy:SQLAlchemyJobStore(url="sqlite://")'
        ".jobs_t.metadata",
        dialects=ALL,
        style="imperative Table() built in __init__ with a table name parameter",
    ),
    Project(
        name="langchain-community",
        version="0.4.2",
        requirements=("greenlet",),
        modules=("langchain_community.indexes._sql_record_manager",),
        metadata="langchain_community.indexes._sql_record_manager:Base.metadata",
        dialects=(SQLITE, POSTGRESQL),  # VARCHAR without a length: not MySQL
        style="legacy declarative Column, UniqueConstraint and Index in __table_args__",
    ),
    Project(
        name="invenio-accounts",
        version="9.1.0",
        modules=("invenio_accounts.models",),
        metadata="invenio_db:db.metadata",
        dialects=ALL,
        style="Flask-SQLAlchemy db.Model with db = SQLAlchemy() in another package "
        "(invenio-db), sqlalchemy-utils types, naming convention",
    ),
    Project(
        name="apache-airflow",
        version="3.3.2",
        modules=("airflow.models",),
        metadata="airflow.models.base:(__import__('airflow.models', fromlist=['_'])"
        ".import_all_models(), Base.metadata)[1]",
        # MariaDB needs Airflow's utf8mb3 id collation setting (keys too long without it).
        dialects=(SQLITE, POSTGRESQL),
        style="2.0 Mapped[] and legacy Column, many modules, custom UtcDateTime and "
        "StringID helpers, naming convention",
    ),
    Project(
        name="keystone",
        version="30.0.0",
        modules=(
            "keystone.catalog.backends.sql",
            "keystone.identity.mapping_backends.sql",
            "keystone.identity.shadow_backends.sql",
            "keystone.identity.backends.sql_model",
            "keystone.revoke.backends.sql",
            "keystone.federation.backends.sql",
            "keystone.policy.backends.sql",
            "keystone.resource.config_backends.sql",
            "keystone.resource.backends.sql_model",
            "keystone.assignment.backends.sql",
            "keystone.assignment.role_backends.sql_model",
            "keystone.oauth1.backends.sql",
            "keystone.credential.backends.sql",
            "keystone.application_credential.backends.sql",
            "keystone.trust.backends.sql",
            "keystone.limit.backends.sql",
            "keystone.endpoint_policy.backends.sql",
        ),
        metadata="keystone.common.sql.core:ModelBase.metadata",
        dialects=ALL,
        style="oslo.db declarative models spread over backends, custom JsonBlob types",
    ),
    Project(
        name="zenml",
        version="0.98.0",
        requirements=("sqlmodel", "passlib", "sqlalchemy-utils"),
        modules=("zenml.zen_stores.schemas",),
        metadata="sqlmodel:SQLModel.metadata",
        # ZenML supports SQLite and MySQL/MariaDB, not PostgreSQL.
        dialects=(SQLITE, MYSQL),
        style="SQLModel table=True classes, build_foreign_key_field helper, sa_column=Column(...)",
    ),
    Project(
        name="anitya",
        version="2.3.0",
        modules=("anitya.db.models",),
        metadata="sqlalchemy_helpers:Base.metadata",
        # the declarative base (and its naming convention) the models build on
        distributions=("sqlalchemy-helpers",),
        dialects=ALL,
        style="declarative base from another package (sqlalchemy-helpers), Column, "
        "association Table",
    ),
    Project(
        name="kombu",
        version="5.7.0",
        extras="[sqlalchemy]",
        modules=("kombu.transport.sqlalchemy",),
        # The transport makes its two mapped classes at run time from plain mixin classes
        # (type(name, (QueueBase, ModelBase), {"__tablename__": ...})), with the default
        # table names of its transport options.
        metadata="kombu.transport.sqlalchemy:(Channel._declarative_cls(None, 'Queue', "
        "QueueBase, {'__tablename__': 'kombu_queue'}), Channel._declarative_cls(None, "
        "'Message', MessageBase, {'__tablename__': 'kombu_message'}), metadata)[2]",
        dialects=ALL,
        style="mapped classes made by type() at run time from plain mixin classes, "
        "declared_attr ForeignKey naming a class_registry entry, with_variant, Sequence",
    ),
    Project(
        name="fief-server",
        version="0.27.0",
        modules=("fief.models",),
        metadata="fief.models:WorkspaceBase.metadata",
        # fief's settings (read when its models import) require these
        environment=(
            ("SECRET", "realworld"),
            ("ENCRYPTION_KEY", "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="),
            ("FIEF_CLIENT_ID", "realworld"),
            ("FIEF_CLIENT_SECRET", "realworld"),
            ("FIEF_DOMAIN", "localhost"),
        ),
        dialects=ALL,
        style="2.0 Mapped[] with generic mixins (UUID id, timestamps, declared_attr "
        "expires_at), __init_subclass__ prefixing __tablename__, GUID TypeDecorator with "
        "load_dialect_impl, a function returning a TypeDecorator class",
    ),
    Project(
        name="pgadmin4",
        version="9.18",
        # pgAdmin runs from its own folder (``import config``), and its package imports
        # its models back while it initialises: config first, as pgAdmin4.py does
        paths=("pgadmin4",),
        modules=("config", "pgadmin.model"),
        metadata="pgadmin.model:db.metadata",
        # pgAdmin keeps its settings in SQLite or PostgreSQL (VARCHAR without a length)
        dialects=(SQLITE, POSTGRESQL),
        style="Flask-SQLAlchemy db.Model with db.Column/db.ForeignKey, mixin with "
        "declared_attr, flask-security mixins, TypeDecorators, a top-level config module",
    ),
    Project(
        name="arize-phoenix",
        version="20.26.1",
        modules=("phoenix.db.models",),
        metadata="phoenix.db.models:Base.metadata",
        # Phoenix supports SQLite and PostgreSQL (VARCHAR without a length: not MySQL)
        dialects=(SQLITE, POSTGRESQL),
        style="2.0 Mapped[] with a type_annotation_map, JSON/JSONB with_variant TypeDecorators, "
        "naming convention, CheckConstraints, partial and expression indexes",
    ),
    Project(
        name="aiida-core",
        version="2.9.4",
        # AiiDA makes its configuration folder when imported
        environment=(("AIIDA_PATH", "/tmp/sl-realworld-aiida"),),
        modules=(
            "aiida.storage.psql_dos.models.authinfo",
            "aiida.storage.psql_dos.models.comment",
            "aiida.storage.psql_dos.models.computer",
            "aiida.storage.psql_dos.models.group",
            "aiida.storage.psql_dos.models.log",
            "aiida.storage.psql_dos.models.node",
            "aiida.storage.psql_dos.models.settings",
            "aiida.storage.psql_dos.models.user",
        ),
        metadata="aiida.storage.psql_dos.models.base:Base.metadata",
        # the psql_dos storage is PostgreSQL's (JSONB)
        dialects=(POSTGRESQL,),
        style="legacy declarative Column, PostgreSQL JSONB and UUID, naming convention, "
        "varchar_pattern_ops/like indexes in __table_args__",
    ),
    Project(
        name="feast",
        version="0.67.0",
        requirements=("sqlalchemy",),
        modules=("feast.infra.registry.sql",),
        metadata="feast.infra.registry.sql:metadata",
        dialects=ALL,
        style="imperative Table() registry on a module MetaData, LargeBinary, "
        "composite primary keys",
    ),
    Project(
        name="indico",
        version="3.2.9",
        requirements=("psycopg2-binary",),  # its SQLAlchemy 1.4 has no psycopg 3 dialect
        modules=("indico.core.db.sqlalchemy.util.models",),
        metadata="indico.core.db.sqlalchemy.util.models:(import_all_models(), "
        "__import__('indico.core.db', fromlist=['db']).db.metadata)[1]",
        # Indico's tables use PostgreSQL's trigram and unaccent functions (its own
        # before_create listener makes its schemas and SQL functions)
        setup=(
            (POSTGRESQL, "CREATE EXTENSION IF NOT EXISTS unaccent"),
            (POSTGRESQL, "CREATE EXTENSION IF NOT EXISTS pg_trgm"),
        ),
        dialects=(POSTGRESQL,),
        style="Flask-SQLAlchemy with a custom declarative base, tables in many PostgreSQL "
        "schemas, mixins from one package (protection, attachments, notes), custom types "
        "(PyIntEnum, UTCDateTime), ARRAY, JSONB, INT4RANGE, after_create indexes, "
        "naming convention with callables",
    ),
    Project(
        name="dstack",
        version="0.22.5",
        extras="[server]",
        modules=("dstack._internal.server.models",),
        metadata="dstack._internal.server.models:BaseModel.metadata",
        # dstack supports SQLite and PostgreSQL (a String(20000) is too long for MySQL)
        dialects=(SQLITE, POSTGRESQL),
        style="2.0 Mapped[] on a DeclarativeBase whose metadata has a naming convention, "
        "generic EnumAsString and EncryptedString TypeDecorators, pipeline mixin",
    ),
    Project(
        name="apache-superset",
        version="6.1.0",
        # its SQLAlchemy 1.4 has no psycopg 3 dialect; Flask-Caching 2.4 passes an option
        # Superset's cache class does not take
        requirements=("psycopg2-binary", "flask-caching<2.4"),
        # the models import only inside an application (encrypted fields read its config)
        environment=(
            ("SUPERSET_SECRET_KEY", "realworld-realworld-realworld"),
            ("SUPERSET_HOME", "/tmp/sl-realworld-superset"),
        ),
        modules=("superset.app",),
        metadata="superset.app:(lambda app: (app.app_context().push(), [__import__(m) for m "
        "in ('superset.models.core', 'superset.models.dashboard', 'superset.models.slice', "
        "'superset.models.sql_lab', 'superset.connectors.sqla.models')], "
        "__import__('flask_appbuilder').Model.metadata)[-1])(create_app())",
        # MariaDB: SQLAlchemy 1.4 makes FAB's Sequence with a syntax MariaDB refuses
        dialects=(SQLITE, POSTGRESQL),
        style="Flask-AppBuilder Model base with FAB's AuditMixinNullable and Superset's "
        "ImportExportMixin, encrypted fields, MediumText/with_variant helpers, models "
        "imported inside an app",
    ),
)

BY_NAME = {project.name: project for project in PROJECTS}
