"""The scenario suite: user stories of models and databases, each with the exact differences
``schema_lsp.diff.compare`` must report, checked on SQLite, PostgreSQL and MariaDB and
cross-examined by Alembic's ``compare_metadata``."""
