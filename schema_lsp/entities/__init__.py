"""Static parsing of ORM model source into EntitySchema values (never imports user code).

Entry points: ``WorkspaceIndex(roots)`` for an editor session (``update(path, text)``,
``remove(path)``, ``entities()``, ``entities_in(path)``, ``notes_in(path)``,
``dependents(path)``) and ``parse_entities(paths, roots=())`` for a one-shot check.
Compare ``entity.for_dialect(database.dialect)`` with the database: index predicates,
index methods and ``with_variant`` types written for one dialect only apply there.

Ranges (``EntitySchema.range_of``): ``table`` is the class name (or the ``Table(...)``
name literal), ``column:<name>`` the attribute name (the column name literal in a
``Table``), ``column:<name>.type`` the type expression or annotation, ``column:<name>.statement``
the whole attribute statement, and every index/constraint key its ``Index(...)``/
``ForeignKey(...)``/... call (a column flag such as ``index=True``: the attribute name).

``unresolved`` holds ``<object_key>.<field>`` for fields not known statically; the
``table.indexes``/``table.unique_constraints``/``table.foreign_keys``/
``table.check_constraints``/``table.primary_key``/``table.columns`` keys say a collection
may be incomplete (an unreadable ``__table_args__``), so objects missing from the model
must not be reported.
"""

from .model import EntitySchema, Note, SourceRange, object_key
from .source import ParsedFile, parse_source
from .workspace import WorkspaceIndex, parse_entities

__all__ = [
    "EntitySchema",
    "Note",
    "ParsedFile",
    "SourceRange",
    "WorkspaceIndex",
    "object_key",
    "parse_entities",
    "parse_source",
]
