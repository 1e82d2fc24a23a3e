"""Text that reaches a terminal: control characters escaped, so nothing in data or from a server can drive it.

>>> print(printable(chr(27) + "[31mred" + chr(7)))
\\x1b[31mred\\x07
>>> print(printable("two\\nlines", keep="\\n"))
two
lines
"""

from __future__ import annotations

__all__ = ["printable"]


def printable(text: str, keep: str = "") -> str:
    """:returns: ``text`` with every control character (except those in ``keep``) written as a Python escape."""
    return "".join(c if c.isprintable() or c == " " or c in keep else c.encode("unicode_escape").decode("ascii") for c in text)
