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
)

BY_NAME = {project.name: project for project in PROJECTS}
