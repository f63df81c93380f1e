"""schema-lsp: compare Python ORM models with the live database schema.

The core (schema, introspect, registry, entities, diff, render) is a plain library; the
language server in ``schema_lsp.server`` is a thin layer over it. Importing this package is
cheap: SQLAlchemy and drivers load on first use.
"""

__version__ = "0.1.0"
