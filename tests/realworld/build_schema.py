"""Run with a real-world package's own Python: create its tables in a fresh database.

Usage: ``python build_schema.py '<json spec>'`` where the spec has ``modules`` (to import),
``metadata`` (``module:attribute.path`` of the MetaData) and ``url``. Prints one JSON line:
the source files of the modules that define the tables, the table names and versions.
This file runs in the package's environment, never in ours: it imports only the standard
library, SQLAlchemy and the package.
"""

from __future__ import annotations

import importlib
import json
import sys
import sysconfig
import warnings


def _resolve(target: str):  # type: ignore[no-untyped-def]
    module_name, _, attributes = target.partition(":")
    value = importlib.import_module(module_name)
    for attribute in attributes.split("."):
        value = getattr(value, attribute)
    return value


def _mappers(metadata):  # type: ignore[no-untyped-def]
    """Mappers of every registry whose tables are in ``metadata``."""
    from sqlalchemy.orm import mapperlib

    # No public API lists the registries; without it only ``modules`` name the files.
    registries = list(getattr(mapperlib, "_mapper_registries", ()))
    for mapper in (m for r in registries for m in r.mappers):
        if mapper.local_table is not None and mapper.local_table.metadata is metadata:
            yield mapper


def main() -> None:
    spec = json.loads(sys.argv[1])
    warnings.simplefilter("ignore")
    import sqlalchemy as sa

    modules = [importlib.import_module(name) for name in spec["modules"]]
    metadata = _resolve(spec["metadata"])
    files = {module.__file__ for module in modules}
    # Declarative classes say where they are defined; imperative tables live in ``modules``.
    for mapper in _mappers(metadata):
        defining = sys.modules.get(mapper.class_.__module__)
        if defining is not None and getattr(defining, "__file__", None):
            files.add(defining.__file__)
    engine = sa.create_engine(spec["url"], poolclass=sa.NullPool)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    print(
        json.dumps(
            {
                "files": sorted(files),
                "tables": sorted(metadata.tables),
                "site": sysconfig.get_paths()["purelib"],
                "sqlalchemy": sa.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
