"""Text shown on one line: names and messages keep their exact characters everywhere
(JSON, SQL, the editor), but where they are printed as lines of text a control character
is written as its escape, so ``a\\nb`` cannot pass for two lines or for ``a b``."""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def printable(text: str) -> str:
    """``text`` with each control character (and only then each backslash) escaped;
    text without control characters is returned as it is."""
    if text.isprintable():
        return text
    if not any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text):
        return text
    return "".join(_escape(char) for char in text)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char
