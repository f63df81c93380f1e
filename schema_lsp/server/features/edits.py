"""Core edits as LSP ``WorkspaceEdit`` values, shaped for what the client can apply.

Edits to an open document carry its version when the client takes ``documentChanges``
(VS Code), else they go in ``changes`` (Neovim applies both). New files (migration SQL,
Alembic revisions) are a ``CreateFile`` plus an insertion, which VS Code and Neovim both
apply (``resourceOperations: create``); they are only ever made inside the workspace
folder, never overwriting a file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path

from ...text import TextEdit
from .access import FileState

#: Generated files are named ``schema-lsp-<what>-<UTC time>``, at the workspace folder's
#: top: an existing folder, since Neovim before 0.9 cannot create a file's parent folder.
PREFIX = "schema-lsp"


def client_flag(capabilities: Any, path: str) -> Any:
    item = capabilities
    for name in path.split("."):
        item = getattr(item, name, None)
        if item is None:
            return None
    return item


def can_create_files(capabilities: Any) -> bool:
    operations = client_flag(capabilities, "workspace.workspace_edit.resource_operations")
    return bool(operations) and types.ResourceOperationKind.Create in operations


def text_edits(state: FileState, edits: Iterable[TextEdit]) -> list[types.TextEdit]:
    """The core's code-point edits of ``state``'s text in the client's units."""
    lines = state.lines
    return [
        types.TextEdit(range=state.to_client(edit.range, lines), new_text=edit.new_text)
        for edit in edits
    ]


def document_edit(
    state: FileState, edits: Sequence[types.TextEdit], capabilities: Any
) -> types.WorkspaceEdit:
    if client_flag(capabilities, "workspace.workspace_edit.document_changes"):
        document = state.session.docs.get(state.uri)
        version = document.version if document is not None else None
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=state.uri, version=version
                    ),
                    edits=list(edits),
                )
            ]
        )
    return types.WorkspaceEdit(changes={state.uri: list(edits)})


def new_file_edit(path: Path, text: str) -> types.WorkspaceEdit:
    """Create ``path`` (never overwriting) and write ``text`` into it."""
    uri = from_fs_path(str(path)) or path.as_uri()
    start = types.Position(line=0, character=0)
    return types.WorkspaceEdit(
        document_changes=[
            types.CreateFile(
                uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
            ),
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=text)],
            ),
        ]
    )


def output_file(root: Path, stem: str, suffix: str) -> Path:
    """A new file at the top of ``root`` whose name says what made it and when."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{PREFIX}-{stem}-{stamp}{suffix}"
    number = 2
    while candidate.exists():
        candidate = root / f"{PREFIX}-{stem}-{stamp}-{number}{suffix}"
        number += 1
    return candidate


def slug(text: str) -> str:
    """Alembic's file-name slug of a message."""
    return re.sub(r"\W+", "_", text.lower()).strip("_")[:40] or "revision"
