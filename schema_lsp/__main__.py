"""``python -m schema_lsp`` is the ``schema-lsp`` command."""

from schema_lsp.cli import main

raise SystemExit(main())
