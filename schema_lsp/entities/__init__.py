"""Static parsing of ORM model source into EntitySchema values (never imports user code)."""

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
