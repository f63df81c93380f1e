"""The real-world corpus: projects nobody here wrote, scored (tests/test_realworld.py,
docs/realworld.md). Two sides:

By hand (``python -m tests.realworld.refresh [NAME...]``, never in CI), with the network:

- projects.py: the pinned projects, the modules that define their tables, the MetaData,
  the dialects each supports and how it writes its models.
- environment.py: one cached venv per project and version (``~/.cache/schema-lsp/realworld``).
- in_project.py: runs with the project's Python; imports its models, finds the ground truth
  for locations and records the DDL ``create_all`` runs on each dialect; times Alembic.
- refresh.py: writes ``snapshots/<name>.json`` (format: snapshot.py) for each project.

In CI and for the report, without installing or importing any project:

- sources.py: ``pip download --no-deps`` of the distributions a snapshot lists, unpacked once
  (``~/.cache/schema-lsp/realworld-sources``).
- score.py: replays the DDL, ``check()`` (the one place that calls the parser), seeded
  mutations (mutations.py), and the scores.
- report.py: ``python -m tests.realworld.report [--details] [--record]``: the table in
  docs/realworld.md, what to fix, and the ratchet ``scores.json`` the tests enforce.

Add a project: an entry in projects.py, ``python -m tests.realworld.refresh NAME``, then
``python -m tests.realworld.report --record`` (and commit the snapshot, the scores and the
regenerated docs/realworld.md). Deselect the tests with ``pytest -m "not realworld"``.
"""
