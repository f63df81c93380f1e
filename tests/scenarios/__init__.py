"""The scenario suite: user stories of models and databases, each with the exact differences
``schema_lsp.diff.compare`` must report, checked on SQLite, PostgreSQL and MariaDB and
cross-examined by Alembic's ``compare_metadata`` (tests/test_scenarios.py runs them).

Adding a story: in the ``stories_*`` module of its topic, a ``Scenario`` with

* ``models``: the models file as the user wrote it (``orm(body)`` adds the usual imports
  and ``Base``); end a line with ``# [tag]`` to name it in expectations;
* ``database``: ``SAME`` (create_all of the models, the default), ``changed((old, new),
  ...)`` (create_all of the models with text replaced: the portable way to say "the
  database has VARCHAR(100)"), ``then(all=..., postgresql=...)`` (DDL after create_all) or
  ``Database(create_all=False, after=...)`` (explicit DDL);
* ``expect``: every difference as ``Expect(code, table, column or name, tag)``, exact set
  equality (``expect_on`` per dialect where they differ, with a comment saying why);
* ``oracle``: each disagreement with Alembic, as ``alembic_fp``/``alembic_miss`` with the
  Alembic issue or the reason; ``alembic_fails`` where Alembic itself raises;
* ``skip_on``/``xfail_on``: a reason per dialect. An xfail is a product bug, described in
  ``bugs.py`` precisely enough for its owner to fix it (strict: the fix un-xfails it).
"""
