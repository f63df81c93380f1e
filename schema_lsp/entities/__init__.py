"""Static parsing of ORM model source into EntitySchema values (never imports user code)."""

from .model import EntitySchema, Note, SourceRange, object_key

__all__ = ["EntitySchema", "Note", "SourceRange", "object_key"]
