"""What a publisher says about its page, which the article cannot: read from a TOML file.

The schema.org page (and the site) take the page's URL, the publisher, the
authors, the reviewer and the dates from here and nowhere else: with no file,
they are left out, never made up. Every key is checked; a key spinekg does not
know is refused, so a typo does not silently drop a field.

.. code-block:: toml

    [page]
    url = "https://health.example.org/back/lower-back-muscle-spasm"
    date_published = 2025-01-15          # a TOML date, or an ISO 8601 string
    date_modified = 2025-03-02
    last_reviewed = 2025-03-01
    description = "What a lower back muscle spasm is, why it happens and how it is treated."

    [publisher]
    name = "Example Health"
    url = "https://health.example.org/"
    logo = "https://health.example.org/logo.png"

    [[author]]                           # one table per author
    name = "A. Writer"
    type = "Person"                      # Person (default) or Organization

    [reviewer]
    name = "Example Health Medical Review Board"
    type = "Organization"

>>> Publisher.from_text('[page]\\nurl = "https://example.org/p"').page_url
'https://example.org/p'
"""

from __future__ import annotations

import datetime as dt
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["Party", "Publisher"]

_KEYS = {
    "page": {"url", "date_published", "date_modified", "last_reviewed", "description"},
    "publisher": {"name", "url", "logo"},
    "author": {"name", "url", "type"},
    "reviewer": {"name", "url", "type"},
}
_PARTY_TYPES = ("Person", "Organization")


@dataclass(frozen=True)
class Party:
    """A person or organisation: an author, the reviewer or (always an organisation) the publisher."""

    name: str
    type: str = "Person"
    url: str | None = None
    logo: str | None = None

    def as_schemaorg(self) -> dict[str, Any]:
        """:returns: the party as a schema.org node."""
        node: dict[str, Any] = {"@type": self.type, "name": self.name}
        if self.url:
            node["url"] = self.url
        if self.logo:
            node["logo"] = {"@type": "ImageObject", "url": self.logo}
        return node


@dataclass(frozen=True)
class Publisher:
    """A publisher's configuration: every field optional, every given one checked."""

    page_url: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    last_reviewed: str | None = None
    description: str | None = None
    publisher: Party | None = None
    authors: tuple[Party, ...] = field(default=())
    reviewer: Party | None = None

    @classmethod
    def read(cls, path: Path | str) -> Publisher:
        """:raises InputError: when the file cannot be read, is not TOML, or says something spinekg does not know."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"cannot read the publisher configuration {path}: {getattr(err, 'strerror', None) or err}") from None
        return cls.from_text(text, str(path))

    @classmethod
    def from_text(cls, text: str, where: str = "the publisher configuration") -> Publisher:
        """:raises InputError: for TOML that does not parse or a key, value or type that is not allowed."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise InputError(f"{where} is not valid TOML: {err}") from None
        _known(data, where)
        page = _table(data, "page", where)
        publisher = _table(data, "publisher", where)
        authors = data.get("author", [])
        if not isinstance(authors, list):
            raise InputError(f"{where}: [[author]] must be an array of tables (one [[author]] per author)")
        return cls(
            page_url=_url(page, "page.url", where),
            date_published=_date(page, "date_published", where),
            date_modified=_date(page, "date_modified", where),
            last_reviewed=_date(page, "last_reviewed", where),
            description=_text(page, "description", "page.description", where),
            publisher=_party(publisher, "publisher", where, organisation=True) if publisher else None,
            authors=tuple(_party(a, f"author {n + 1}", where) for n, a in enumerate(authors)),
            reviewer=_party(_table(data, "reviewer", where), "reviewer", where) if "reviewer" in data else None,
        )


def _known(data: dict[str, Any], where: str) -> None:
    for name, body in data.items():
        if name not in _KEYS:
            raise InputError(f"{where}: unknown table [{name}] (known: {', '.join(sorted(_KEYS))})")
        for table in body if isinstance(body, list) else [body]:
            if not isinstance(table, dict):
                raise InputError(f"{where}: [{name}] must be a table")
            for key in table:
                if key not in _KEYS[name]:
                    raise InputError(f"{where}: unknown key {name}.{key} (known: {', '.join(sorted(_KEYS[name]))})")


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise InputError(f"{where}: [{name}] must be a single table")
    return table


def _text(table: dict[str, Any], key: str, label: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InputError(f"{where}: {label} must be a non-empty string")
    return value


def _url(table: dict[str, Any], label: str, where: str) -> str | None:
    value = _text(table, label.rpartition(".")[2], label, where)
    if value is None:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in value for c in ' <>"{}|\\^`'):
        raise InputError(f"{where}: {label} must be an absolute http(s) URL, not {value!r}")
    return value


def _date(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date):  # TOML dates and date-times (a datetime is a date)
        return value.isoformat()
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: page.{key} must be an ISO 8601 date (2025-01-31) or date-time, not {value!r}") from None
    return parsed.isoformat()


def _party(table: dict[str, Any], label: str, where: str, *, organisation: bool = False) -> Party:
    name = _text(table, "name", f"{label} name", where)
    if name is None:
        raise InputError(f"{where}: {label} needs a name")
    kind = "Organization" if organisation else table.get("type", "Person")
    if kind not in _PARTY_TYPES:
        raise InputError(f"{where}: {label} type must be Person or Organization, not {kind!r}")
    logo = _url(table, f"{label}.logo", where) if "logo" in table else None
    return Party(name, kind, _url(table, f"{label}.url", where), logo)
