"""Every scenario of the suite, grouped by topic; names are unique test ids."""

from __future__ import annotations

from . import (
    stories_clean,
    stories_compiles,
    stories_create_all,
    stories_defaults,
    stories_edges,
    stories_foreign_keys,
    stories_imports,
    stories_indexes,
    stories_more,
    stories_options,
    stories_parsing,
    stories_sqltext,
    stories_tables,
    stories_types,
    stories_workspace,
)
from .scenario import Scenario

SCENARIOS: tuple[Scenario, ...] = (
    *stories_clean.SCENARIOS,
    *stories_tables.SCENARIOS,
    *stories_types.SCENARIOS,
    *stories_defaults.SCENARIOS,
    *stories_indexes.SCENARIOS,
    *stories_foreign_keys.SCENARIOS,
    *stories_create_all.SCENARIOS,
    *stories_options.SCENARIOS,
    *stories_parsing.SCENARIOS,
    *stories_workspace.SCENARIOS,
    *stories_imports.SCENARIOS,
    *stories_compiles.SCENARIOS,
    *stories_edges.SCENARIOS,
    *stories_more.SCENARIOS,
    *stories_sqltext.SCENARIOS,
)

_names = [s.name for s in SCENARIOS]
assert len(_names) == len(set(_names)), "scenario names must be unique"
