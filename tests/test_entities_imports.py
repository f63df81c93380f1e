"""Imports followed like a type checker (entities/modules.py): source roots, a ``src/``
layout, the files' own import roots, a virtualenv read from disk (``.pth`` folders
included), a configured interpreter and ``extra_paths``; modelled packages never searched;
what is reached parsed once per file version and re-read when it changes."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from schema_lsp.config import Settings
from schema_lsp.entities import WorkspaceIndex, parse_entities
from schema_lsp.entities.modules import (
    PARSED_MODULES,
    ModuleFinder,
    SearchPath,
    interpreter_paths,
    venv_site_folders,
)
from schema_lsp.entities.workspace import parse_workspace
from schema_lsp.server.settings import read_folder_settings


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


MODELS = """\
    import sqlalchemy as sa
    from sqlalchemy.orm import Mapped, mapped_column

    from corelib.mixins import Base, TimestampMixin


    class Invoice(TimestampMixin, Base):
        __tablename__ = "invoice"

        id: Mapped[int] = mapped_column(primary_key=True)
        customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customer.id"))
    """

LIBRARY = {
    "corelib/__init__.py": "",
    "corelib/mixins.py": """\
        import datetime

        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s", "ix": "ix_%(column_0_label)s"}


        class Base(DeclarativeBase):
            metadata = sa.MetaData(naming_convention=NAMING)


        class TimestampMixin:
            created_at: Mapped[datetime.datetime] = mapped_column(sa.DateTime, index=True)
            updated_at: Mapped[datetime.datetime | None]
        """,
}


def _check_invoice(entities: list) -> None:  # type: ignore[type-arg]
    (invoice,) = entities
    assert invoice.table.column_names == ("id", "customer_id", "created_at", "updated_at")
    assert [fk.name for fk in invoice.table.foreign_keys] == ["fk_invoice_customer_id"]
    assert [ix.name for ix in invoice.table.indexes] == ["ix_invoice_created_at"]
    assert not invoice.notes, invoice.notes
    # the mixin's columns point into the library's file
    assert invoice.range_of("column:created_at").path.endswith("corelib/mixins.py")


def test_a_mixin_and_base_from_an_installed_package_in_the_project_venv(tmp_path: Path) -> None:
    project = tmp_path / "project"
    site = project / ".venv" / "lib" / "python3.11" / "site-packages"
    _write(site, LIBRARY)
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    _write(project, {"app/models.py": MODELS})
    search = SearchPath.for_project(project, files=[project / "app/models.py"])
    assert site in search.folders
    _check_invoice(parse_entities([project / "app/models.py"], [project], search))


def test_without_the_library_nothing_is_claimed_about_what_it_could_supply(
    tmp_path: Path,
) -> None:
    _write(tmp_path, {"app/models.py": MODELS})
    entities, notes = parse_workspace([tmp_path / "app/models.py"], [tmp_path])
    assert not notes
    (invoice,) = entities  # what the class writes itself is still checked ...
    assert invoice.table.column_names == ("id", "customer_id")
    # ... but no column, key or index may be claimed missing from the model
    for collection in ("columns", "foreign_keys", "indexes", "primary_key"):
        assert not invoice.is_resolved("table", collection)
    note = invoice.notes[0]
    assert note.message.startswith(
        "not checked: what the base class TimestampMixin, Base decides"
    ), note.message
    assert "set `python` to the project's interpreter, or `extra_paths`" in note.message


def test_editable_installs_through_pth_files_and_a_configured_interpreter(tmp_path: Path) -> None:
    environment = tmp_path / "env"
    site = environment / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (environment / "pyvenv.cfg").write_text("home = /usr/bin\n")
    checkout = tmp_path / "checkout"
    _write(checkout, LIBRARY)
    (site / "__editable__.corelib.pth").write_text(f"{checkout}\nimport os; os.exit(1)\n")
    assert venv_site_folders(environment) == [site, checkout]
    python = environment / "bin" / "python"
    python.parent.mkdir()
    python.write_text("#!/bin/sh\nexit 1\n")  # never run: a venv is read from its files
    assert interpreter_paths(python)[:2] == [site, checkout]
    project = tmp_path / "project"
    _write(project, {"models.py": MODELS})
    search = SearchPath.for_project(project, python=python)
    _check_invoice(parse_entities([project / "models.py"], [project], search))


def test_a_plain_interpreter_is_asked_for_its_sys_path() -> None:
    paths = interpreter_paths(Path(sys.executable).resolve())
    assert any(p.name in ("site-packages", "dist-packages") for p in paths) or sys.prefix in map(
        str, paths
    )


def test_src_layout_and_extra_paths(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "src/corelib/__init__.py": "",
            "src/corelib/mixins.py": LIBRARY["corelib/mixins.py"],
            "app/models.py": MODELS,
        },
    )
    _check_invoice(parse_entities([tmp_path / "app/models.py"], [tmp_path]))
    elsewhere = tmp_path / "vendor"
    _write(elsewhere, LIBRARY)
    (tmp_path / "src" / "corelib" / "mixins.py").unlink()
    (tmp_path / "src" / "corelib" / "__init__.py").unlink()
    search = SearchPath.for_project(tmp_path, extra_paths=[elsewhere])
    assert search.folders[0] == elsewhere
    _check_invoice(parse_entities([tmp_path / "app/models.py"], [tmp_path], search))


def test_finder_follows_python_package_rules(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _write(first, {"pkg/__init__.py": "", "pkg/a.py": "", "ns/one.py": ""})
    _write(second, {"pkg/__init__.py": "", "pkg/b.py": "", "ns/two.py": "", "solo.py": ""})
    finder = ModuleFinder([first, second])
    assert finder.find("pkg.a") == first / "pkg" / "a.py"
    assert finder.find("pkg.b") is None  # the regular package in ``first`` shadows ``second``
    assert finder.find("ns.two") == second / "ns" / "two.py"  # namespace packages span folders
    assert finder.find("ns") is None  # nothing to parse for a namespace package itself
    assert finder.find("solo") == second / "solo.py"
    for modelled in ("sqlalchemy", "sqlalchemy.orm", "os", "typing", "sqlmodel", "pydantic"):
        assert finder.find(modelled) is None


def test_a_changed_module_is_read_again(tmp_path: Path) -> None:
    _write(tmp_path, {**LIBRARY, "app/models.py": MODELS})
    models = tmp_path / "app" / "models.py"
    index = WorkspaceIndex([tmp_path])
    index.load([models])
    assert index.entities()[0].table.column("created_at") is not None
    mixins = tmp_path / "corelib" / "mixins.py"
    mixins.write_text(mixins.read_text().replace("created_at", "made_at"))
    stat = mixins.stat()
    os.utime(mixins, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert index.module_changed(mixins) == {str(models)}
    assert index.entities()[0].table.column("made_at") is not None
    assert index.module_changed(tmp_path / "unrelated.py") == set()


def test_parsed_once_per_file_version(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("X = 1\n")
    first = PARSED_MODULES.get(module, "m")
    assert first is not None and PARSED_MODULES.get(module, "m") is first
    time.sleep(0.01)
    module.write_text("X = 22\n")
    assert PARSED_MODULES.get(module, "m") is not first


def test_settings_python_and_extra_paths(tmp_path: Path) -> None:
    settings = Settings.from_mapping(
        {"python": ".venv/bin/python", "extraPaths": ["lib", "/abs"]}, base_dir=tmp_path
    )
    assert settings.python == tmp_path / ".venv/bin/python"
    assert settings.extra_paths == (tmp_path / "lib", Path("/abs"))
    # VS Code's ``schemaLsp.python.path`` object is the interpreter to follow imports on
    folder = read_folder_settings(
        tmp_path, editor_layers=(("editor", {"python": {"path": "venv/bin/python3"}}),)
    )
    assert folder.settings.python == tmp_path / "venv/bin/python3"


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"(\w*)*x", r"(a|aa)+$", r"(.)\1"])
def test_regexes_that_could_backtrack_without_bound_are_refused(
    tmp_path: Path, pattern: str
) -> None:
    _write(
        tmp_path,
        {
            "models.py": f"""\
            import re
            from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

            class Base(DeclarativeBase):
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return re.sub(r"{pattern}", "_", cls.__name__ + "a" * 60)

            class Slow(Base):
                id: Mapped[int] = mapped_column(primary_key=True)
            """
        },
    )
    entities, notes = parse_workspace([tmp_path / "models.py"], [tmp_path])
    assert not entities
    (note,) = notes
    assert note.message.startswith("not checked: class Slow (its __tablename__ is computed")
    assert "a regular expression that may backtrack without bound" in note.message


def test_classes_mapped_only_when_the_code_runs_are_said(tmp_path: Path) -> None:
    """Kombu's pattern: plain model classes and a base, combined by ``type()`` inside a
    method; and a plain class naming a table without a base. Never silently skipped."""
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": """\
            import sqlalchemy as sa
            from sqlalchemy.orm import declarative_base

            ModelBase = declarative_base()


            class QueueBase:
                id = sa.Column(sa.Integer, primary_key=True)


            class Plain:
                __tablename__ = "plain"
                id = sa.Column(sa.Integer, primary_key=True)


            class Transport:
                def queue_cls(self, name):
                    return type(name, (QueueBase, ModelBase), {"__tablename__": name})
            """,
        },
    )
    entities, notes = parse_workspace([tmp_path / "app/models.py"], [tmp_path])
    assert entities == []
    messages = sorted(n.message for n in notes)
    assert messages == [
        "not checked: a mapped class made by type() when queue_cls() runs (its table is known "
        "only then)",
        "not checked: class Plain (it names a table but no declarative base maps it where it is "
        "written)",
    ]


def test_the_projects_sqlalchemy_version_decides_what_mapped_column_means(tmp_path: Path) -> None:
    """Flask-AppBuilder falls back to ``Column`` for ``mapped_column`` under SQLAlchemy 1.4:
    there ``Mapped[int]`` makes nothing NOT NULL. The version is read from the project's
    environment, never imported."""
    models = """\
        from sqlalchemy import Column, ForeignKey, Integer
        from sqlalchemy.orm import Mapped, declarative_base

        try:
            from sqlalchemy.orm import mapped_column
        except ImportError:
            def mapped_column(*args, **kwargs):
                return Column(*args, **kwargs)

        Base = declarative_base()


        class Link(Base):
            __tablename__ = "link"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            other_id: Mapped[int] = mapped_column(Integer)
        """
    _write(tmp_path, {"app/models.py": models})
    old = tmp_path / "env14"
    _write(old, {"sqlalchemy/__init__.py": '__version__ = "1.4.54"\n'})
    new = tmp_path / "env20"
    _write(new, {"sqlalchemy/__init__.py": '__version__ = "2.0.44"\n'})
    for environment, nullable in ((old, True), (new, False)):
        search = SearchPath((tmp_path, environment))
        assert search.sqlalchemy == ((1, 4) if environment is old else (2, 0))
        (link,) = parse_entities([tmp_path / "app/models.py"], [tmp_path], search)
        assert link.table.column("other_id").nullable is nullable  # type: ignore[union-attr]


def test_a_declared_attr_that_imports_inside_its_body(tmp_path: Path) -> None:
    """``from app.types import WIDTH`` inside a declared_attr (Flask-AppBuilder's audit
    mixins import the user model so): read as the helper's module would; a body ending in
    ``return relationship(...)`` is no column, whatever comes before."""
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/types.py": "WIDTH = 77\n",
            "app/models.py": """\
            import sqlalchemy as sa
            from sqlalchemy.orm import declarative_base, declared_attr, relationship

            Base = declarative_base()


            class Mixin:
                @declared_attr
                def note(cls):
                    from app.types import WIDTH

                    return sa.Column(sa.String(WIDTH))

                @declared_attr
                def owner(cls):
                    from app.models import A

                    return relationship(A)


            class A(Mixin, Base):
                __tablename__ = "a"
                id = sa.Column(sa.Integer, primary_key=True)
            """,
        },
    )
    (entity,) = parse_entities([tmp_path / "app/models.py"], [tmp_path])
    assert entity.table.column_names == ("id", "note")
    assert entity.table.column("note").sa_type.kwarg("length") == 77  # type: ignore[union-attr]
    assert not entity.notes and entity.is_resolved("table", "columns")
