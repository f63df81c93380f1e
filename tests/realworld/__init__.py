"""Real-world models suite: packages nobody here wrote, installed from PyPI into their own
virtual environment, their databases built from their own metadata (tests/test_realworld.py).

- packages.py: the pinned packages, where their MetaData is, the info notes a clean database
  may show (each with its reason), known false positives (strict xfails) and the mutations.
- environment.py: one cached venv per package and version (``~/.cache/schema-lsp/realworld``).
- build_schema.py: runs with the package's Python; imports its models, ``create_all``.
- workspace.py: the installed files our parser reads (model files and what they import).
- declarations.py: where a table, column, index or foreign key is declared (``ast``).
- mutations.py: DDL changes applied to the built database.

Deselect with ``pytest -m "not realworld"``; a first run installs (about 1.5 minutes for
all four packages side by side), later runs reuse the environments.
"""
