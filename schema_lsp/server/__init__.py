"""The language server: a thin pygls layer over the core (see ARCHITECTURE.md).

``serve()`` runs it; each module holds one concern: ``app`` (handlers, capabilities,
stdio/TCP), ``session`` (documents, checks, schema events), ``publish`` (push or pull),
``folder`` (a workspace folder's settings, registry and index worker), ``settings``,
``diagnostics``, ``health`` (failures, retries), ``watch`` (files changed on disk). Only
this package imports pygls/lsprotocol.
"""

from __future__ import annotations


def serve(tcp: str | None = None, *, debug: bool = False) -> int:
    """Run the language server over stdio, or TCP with ``tcp="HOST:PORT"``."""
    from .app import serve as run

    return run(tcp, debug=debug)
