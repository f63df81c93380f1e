"""Database URLs that never show their password.

``DatabaseUrl`` is the only form in which a URL travels through schema-lsp: its ``str`` and
``repr`` are masked, and ``scrub`` removes the password from any text (driver error messages
included) before it reaches a user, a log or an editor.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .dialects import rules_for
from .errors import InvalidDatabaseUrl, MissingDriver

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

#: Drivers our extras install, preferred when a URL names only the dialect.
_PREFERRED_DRIVERS = {
    "postgresql": ("psycopg", "psycopg"),
    "mysql": ("pymysql", "pymysql"),
    "mariadb": ("pymysql", "pymysql"),
}
#: Asynchronous drivers (what FastAPI/SQLModel apps keep in ``DATABASE_URL``) -> the
#: synchronous driver of the same database that schema-lsp reads with instead.
_ASYNC_DRIVERS = {
    ("postgresql", "asyncpg"): "psycopg",
    ("postgresql", "psycopg_async"): "psycopg",
    ("mysql", "aiomysql"): "pymysql",
    ("mysql", "asyncmy"): "pymysql",
    ("mariadb", "aiomysql"): "pymysql",
    ("mariadb", "asyncmy"): "pymysql",
    ("sqlite", "aiosqlite"): "pysqlite",
}
#: Options an asynchronous driver names otherwise: asyncpg's ``ssl`` is libpq's ``sslmode``.
_ASYNC_OPTIONS = {"asyncpg": {"ssl": "sslmode"}}
#: Which ``pip install 'schema-lsp[extra]'`` brings a dialect's driver.
_EXTRAS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
_MASK = "***"
#: PyPI names of driver modules whose import name differs.
_PIP_NAMES = {"MySQLdb": "mysqlclient", "psycopg2": "psycopg2-binary", "mariadb": "mariadb"}


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database URL; shows itself with the password replaced by ``***``."""

    _url: URL = field(repr=False)
    #: the asynchronous driver the URL named, replaced by ``_url``'s synchronous one
    replaced_driver: str | None = None

    @classmethod
    def parse(cls, text: str) -> DatabaseUrl:
        """Parse and resolve the driver; errors never echo the password."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        text = text.strip()
        try:
            url = make_url(text)
        except (ArgumentError, ValueError):
            raise InvalidDatabaseUrl(
                f"not a database URL: {_shortened(mask_url(text))!r} "
                "(expected e.g. postgresql://user@host/dbname or sqlite:///path.db)"
            ) from None
        if url.host and "@" in url.host:  # SQLAlchemy ends the password at the first @
            raise InvalidDatabaseUrl(
                f"not a database URL: {mask_url(text)!r}: its host would hold an '@'; "
                "write an '@' of the user name or password as %40"
            )
        url, replaced = _synchronous(url)
        return cls(_with_preferred_driver(url), replaced)

    @property
    def sqlalchemy_url(self) -> URL:
        """The real URL, password included: only for handing to SQLAlchemy."""
        return self._url

    @property
    def dialect(self) -> str:
        return self._url.get_backend_name()

    @property
    def password(self) -> str | None:
        password = self._url.password
        return None if password is None else str(password)

    @property
    def masked(self) -> str:
        return self._url.render_as_string(hide_password=True)

    @property
    def account(self) -> str:
        """The account as the URL names it, ``user@host`` (no password, port or database)."""
        url = self._url
        host = url.host or "localhost"
        return f"{url.username}@{host}" if url.username else host

    def describe(self) -> str:
        """Short human name, e.g. ``app@localhost/shop`` or ``sqlite:examples/shop.db``."""
        url = self._url
        if rules_for(self.dialect).file_database:
            return f"{self.dialect}:{url.database or ':memory:'}"
        user = f"{url.username}@" if url.username else ""
        host = url.host or "localhost"
        port = f":{url.port}" if url.port else ""
        return f"{user}{host}{port}/{url.database or ''}"

    def scrub(self, text: str) -> str:
        """Remove this URL's password (plain or URL-encoded) from any text."""
        text = text.replace(self._url.render_as_string(hide_password=False), self.masked)
        password = self.password
        if password:
            from urllib.parse import quote, quote_plus

            for form in sorted(
                {password, quote(password, safe=""), quote_plus(password)}, key=len, reverse=True
            ):
                text = text.replace(form, _MASK)
        return mask_text(text)

    def check_driver(self) -> None:
        """Raise MissingDriver, naming the pip extra, when the DBAPI module is absent."""
        from sqlalchemy.exc import NoSuchModuleError

        try:
            dialect_class = self._url.get_dialect()
        except NoSuchModuleError:
            raise InvalidDatabaseUrl(
                f"unknown database dialect {self._url.drivername!r} in {self.masked}"
            ) from None
        try:
            dialect_class.import_dbapi()
        except ImportError as exc:
            module = getattr(exc, "name", None) or self._url.get_driver_name()
            package = _PIP_NAMES.get(module, module)
            extra = _EXTRAS.get(self.dialect)
            ours = _PREFERRED_DRIVERS.get(self.dialect, ("", ""))[0]
            if extra and self._url.get_driver_name() == ours:
                hint = f"pip install 'schema-lsp[{extra}]'"
            elif extra:
                hint = (
                    f"pip install {package}, or drop '+{self._url.get_driver_name()}' from the "
                    f"URL to use {ours} (pip install 'schema-lsp[{extra}]')"
                )
            else:
                hint = f"pip install {package}"
            raise MissingDriver(
                f"the {self.dialect} driver {module!r} is not installed: {hint}"
            ) from None

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.masked!r})"


#: ``scheme://user:secret@``; the secret runs to the last ``@`` of the word (a password
#: may hold one)
_URL_PASSWORD = re.compile(
    r"(?P<head>[a-z][a-z0-9+.\-]*:/+[^:/@\s'\"]*:)(?P<password>[^\s'\"]*)@", re.I
)
#: ``user:secret@host`` without a scheme, at the start of a word
_BARE_PASSWORD = re.compile(
    r"(?P<head>(?:^|(?<=[\s'\"(=,</]))[^\s'\"/:@]+:)(?!/)(?P<password>[^\s'\"]*)@(?=[^\s'\"@])"
)
_KEYWORD_PASSWORD = re.compile(
    r"(?P<head>\bpassword\s*[=:]\s*)(?P<password>'[^']*'|\"[^\"]*\"|[^\s&;,'\"]+)", re.I
)
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:/+", re.I)


def mask_text(text: str) -> str:
    """Mask anything shaped like a password in free text: ``scheme://user:secret@``,
    ``user:secret@host`` and ``password=secret``. Used on every message that may quote a
    URL or DSN."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{_MASK}@", text)
    text = _BARE_PASSWORD.sub(lambda m: f"{m['head']}{_MASK}@", text)
    return _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{_MASK}", text)


def mask_url(text: str) -> str:
    """A text meant as one database URL, whatever its shape, with anything that may be
    its password masked: what follows the user's ``:`` up to the last ``@`` (a password
    may hold spaces, ``/`` or ``@``; hiding too much is the safe side), then ``mask_text``."""
    scheme = _SCHEME.match(text)
    head, body = (text[: scheme.end()], text[scheme.end() :]) if scheme else ("", text)
    at = body.rfind("@")
    if at > 0:
        user, colon, _ = body[:at].partition(":")
        if colon:
            body = f"{user}:{_MASK}{body[at:]}"
    return mask_text(head + body)


def _shortened(text: str, limit: int = 120) -> str:
    """A URL as an error message quotes it: one line, cut short."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _synchronous(url: URL) -> tuple[URL, str | None]:
    """An asynchronous driver's URL as the same database's synchronous one (schema-lsp
    reads with blocking calls on its own threads); asyncpg's ``ssl`` option is libpq's
    ``sslmode``. Returns the URL and the driver it replaced, if any."""
    backend, _, driver = url.drivername.partition("+")
    synchronous = _ASYNC_DRIVERS.get((backend, driver))
    if synchronous is None:
        return url, None
    query = dict(url.query)
    for theirs, ours in _ASYNC_OPTIONS.get(driver, {}).items():
        if theirs in query and ours not in query:
            query[ours] = query.pop(theirs)
    return url.set(drivername=f"{backend}+{synchronous}", query=query), driver


def _with_preferred_driver(url: URL) -> URL:
    """``postgresql://`` means psycopg2 to SQLAlchemy; we ship psycopg 3 (and PyMySQL for
    MySQL), so a URL without an explicit driver uses ours when it is installed."""
    if "+" in url.drivername:
        return url
    preferred = _PREFERRED_DRIVERS.get(url.drivername)
    if preferred is None:
        return url
    driver, module = preferred
    if importlib.util.find_spec(module) is None:
        return url
    return url.set(drivername=f"{url.drivername}+{driver}")
