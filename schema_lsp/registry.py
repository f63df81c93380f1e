"""SchemaRegistry: the one cached copy of a database's schema that everything else reads.

Editors ask for table schemas on every keystroke; the database must not see those. The
registry reads the whole database once, lazily, serves that copy, and keeps it fresh in the
background (stale-while-revalidate) so no caller ever waits for a refresh. Concurrent callers
during a load share one read (single-flight). It is safe to use from any thread.
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from . import snapshot
from .errors import ConfigError, UnknownTable
from .schema import DatabaseSchema, TableSchema
from .url import DatabaseUrl

logger = logging.getLogger(__name__)

#: How long a cached schema stays fresh: five minutes.
DEFAULT_TTL = 300.0


class Introspector(Protocol):
    """Anything that reads a whole database schema in one call (SchemaIntrospector does)."""

    def introspect(self) -> DatabaseSchema: ...


#: Called after every load, refresh or snapshot load with the new schema, or with the error
#: of a failed read (the registry then keeps serving its last good schema, if any).
Listener = Callable[["SchemaRegistry", DatabaseSchema | None, BaseException | None], None]


class SnapshotSource:
    """A snapshot file read as if it were the database, for registries without one."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def introspect(self) -> DatabaseSchema:
        return snapshot.load(self.path)

    def __repr__(self) -> str:
        return f"SnapshotSource({str(self.path)!r})"


@dataclass(eq=False)
class _Flight:
    """One read of the source; everyone who needs it waits on ``future``."""

    seq: int
    started_at: float
    future: Future[DatabaseSchema] = field(default_factory=Future)


class SchemaRegistry:
    """The cached schema of one database.

    Use ``get_instance(url)`` for the shared registry of a URL, or construct private ones.
    The first ``get_*`` call reads the database and blocks; after ``ttl`` seconds callers get
    the cached schema at once while one background thread re-reads it. A failed refresh keeps
    the last good schema (see ``last_error``, ``add_listener``) and is retried after another
    ``ttl``; a failed first load raises, and the next call tries again.

    Without a URL or introspector the registry serves only what ``load_snapshot`` gave it,
    never expires, and ``sync_with_database`` raises ConfigError. ``from_snapshot`` instead
    treats the snapshot file as the source: refreshes and ``sync_with_database`` re-read it.
    """

    _instances: ClassVar[dict[DatabaseUrl, SchemaRegistry]] = {}
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        url: DatabaseUrl | str | None = None,
        *,
        ttl: float = DEFAULT_TTL,
        schemas: Sequence[str | None] | None = None,
        statement_timeout: float = 10.0,
        introspector: Introspector | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError(f"ttl must be >= 0 seconds, not {ttl!r}")
        self._url = DatabaseUrl.parse(url) if isinstance(url, str) else url
        self._ttl = float(ttl)
        self._schemas = schemas
        self._statement_timeout = statement_timeout
        self._introspector = introspector
        self._owns_introspector = False
        self._clock = clock

        self._lock = threading.Lock()
        self._schema: DatabaseSchema | None = None
        self._loaded_at: float | None = None
        self._failed_at: float | None = None  # last failed refresh, for the retry delay
        self._last_error: BaseException | None = None
        self._flight: _Flight | None = None  # the read new callers join
        self._running: set[_Flight] = set()  # every read not yet finished, joinable or not
        self._next_seq = 0
        self._stored_seq = -1  # seq of the read being served
        self._min_seq = 0  # reads started before clear_cache/load_snapshot are discarded
        self._read_count = 0
        self._waiting = 0
        self._listeners: list[Listener] = []

    # -- shared instances ---------------------------------------------------------------

    @classmethod
    def get_instance(cls, url: DatabaseUrl | str, **options: object) -> SchemaRegistry:
        """The shared registry for ``url``; ``options`` apply only when it is created."""
        key = DatabaseUrl.parse(url) if isinstance(url, str) else url
        with cls._instances_lock:
            registry = cls._instances.get(key)
            if registry is None:
                registry = cls(key, **options)  # type: ignore[arg-type]
                cls._instances[key] = registry
            return registry

    @classmethod
    def dispose_instances(cls) -> None:
        """Forget and dispose every shared registry (server shutdown, test isolation)."""
        with cls._instances_lock:
            registries = list(cls._instances.values())
            cls._instances.clear()
        for registry in registries:
            registry.dispose()

    @classmethod
    def from_snapshot(cls, path: str | Path, *, ttl: float = DEFAULT_TTL) -> SchemaRegistry:
        """A registry whose source is a snapshot file (offline checks, CI without a
        database); the file is read lazily, and re-read on refresh or sync."""
        return cls(introspector=SnapshotSource(path), ttl=ttl)

    def dispose(self) -> None:
        """Close the connections of the introspector the registry made; the cache stays.
        An introspector passed in belongs to the caller and is left alone."""
        with self._lock:
            introspector = self._introspector if self._owns_introspector else None
        dispose = getattr(introspector, "dispose", None)
        if callable(dispose):
            dispose()

    # -- reading ------------------------------------------------------------------------

    def get_database_schema(self) -> DatabaseSchema:
        """The cached schema; loads it on first use and refreshes it in the background
        once it is older than ``ttl``, returning the stale copy meanwhile."""
        with self._lock:
            cached = self._schema
            if cached is not None:
                refresh = self._start_flight_locked() if self._needs_refresh_locked() else None
            else:
                self._require_source_locked()
                joined = self._flight
                if joined is None:
                    leading = self._start_flight_locked()
                else:
                    self._waiting += 1
        if cached is not None:
            if refresh is not None:
                self._refresh_in_background(refresh)
            return cached
        if joined is None:
            return self._read(leading)
        try:
            return joined.future.result()
        finally:
            with self._lock:
                self._waiting -= 1

    def get_table_schema(self, name: str, schema: str | None = None) -> TableSchema:
        """One table (``schema.name`` works too); UnknownTable names the closest tables."""
        database = self.get_database_schema()
        table = database.table(name, schema)
        if table is None:
            wanted = f"{schema}.{name}" if schema else name
            raise UnknownTable(wanted, _close_matches(wanted, database), where=self._where())
        return table

    def get_all_table_schemas(self) -> dict[str, TableSchema]:
        """Every table by ``TableSchema.key`` (a fresh dict the caller may change)."""
        return {table.key: table for table in self.get_database_schema().tables}

    def sync_with_database(self) -> DatabaseSchema:
        """Re-read the source now, whatever the cache holds, and serve the result; raises
        the read's error (the last good schema is still served afterwards)."""
        with self._lock:
            self._require_source_locked(sync=True)
            flight = self._start_flight_locked()
        return self._read(flight)

    def clear_cache(self) -> None:
        """Forget the schema; the next call reads the source again. Reads already running
        still answer their waiters but are not cached."""
        with self._lock:
            self._schema = None
            self._loaded_at = None
            self._failed_at = None
            self._flight = None
            self._min_seq = self._next_seq

    def is_cache_valid(self) -> bool:
        """A schema is cached and younger than ``ttl`` (always, once loaded, without a
        source to refresh from)."""
        with self._lock:
            return self._schema is not None and not self._expired_locked()

    def wait_for_refresh(self, timeout: float | None = None) -> bool:
        """Block until the reads now running have finished and been recorded (listeners
        included); False if ``timeout`` ran out first. Lets tests and shutdown wait
        without sleeping."""
        with self._lock:
            futures = [flight.future for flight in self._running]
        _done, not_done = wait_for_futures(futures, timeout=timeout)
        return not not_done

    # -- snapshots ----------------------------------------------------------------------

    def load_snapshot(self, path: str | Path) -> DatabaseSchema:
        """Serve the schema in a snapshot file from now on, as fresh as of now; reads of
        the source already running will not replace it."""
        loaded = snapshot.load(path)
        with self._lock:
            self._store_locked(loaded, self._clock())
            self._min_seq = self._next_seq
            self._flight = None
            self._last_error = None
            listeners = list(self._listeners)
        self._notify(listeners, loaded, None)
        return loaded

    def save_snapshot(self, path: str | Path) -> DatabaseSchema:
        """Write the served schema (loading it first if needed) as a snapshot file."""
        schema = self.get_database_schema()
        snapshot.save(schema, path)
        return schema

    # -- state --------------------------------------------------------------------------

    @property
    def url(self) -> DatabaseUrl | None:
        return self._url

    @property
    def ttl(self) -> float:
        return self._ttl

    @property
    def read_count(self) -> int:
        """Reads of the source started so far (loads, refreshes, syncs)."""
        with self._lock:
            return self._read_count

    @property
    def read_at(self) -> float | None:
        """When the served schema was read, on the registry's clock (``time.monotonic`` by
        default); the wall-clock time is the schema's own ``read_at``."""
        with self._lock:
            return self._loaded_at

    @property
    def is_loaded(self) -> bool:
        with self._lock:
            return self._schema is not None

    @property
    def is_stale(self) -> bool:
        """A schema is served but it is older than ``ttl``."""
        with self._lock:
            return self._schema is not None and self._expired_locked()

    @property
    def is_refreshing(self) -> bool:
        """A read of the source is running."""
        with self._lock:
            return bool(self._running)

    @property
    def waiting_callers(self) -> int:
        """Callers blocked on a read another caller started (single-flight followers)."""
        with self._lock:
            return self._waiting

    @property
    def last_error(self) -> BaseException | None:
        """The error of the most recent read if it failed, else None."""
        with self._lock:
            return self._last_error

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(registry, schema, error)`` after every read; returns a function
        that removes it. Listeners run on the reading thread and must not block long."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def __repr__(self) -> str:
        if self._url is not None:
            source = f"url={self._url.masked!r}"
        else:
            source = f"introspector={self._introspector!r}"
        with self._lock:
            loaded = self._schema is not None
        return f"SchemaRegistry({source}, ttl={self._ttl}, loaded={loaded})"

    # -- internals ----------------------------------------------------------------------

    def _has_source_locked(self) -> bool:
        return self._introspector is not None or self._url is not None

    def _require_source_locked(self, sync: bool = False) -> None:
        if self._has_source_locked():
            return
        if sync:
            raise ConfigError(
                "this schema registry has no database URL to sync with; "
                "configure a database URL or load a snapshot"
            )
        raise ConfigError("no database URL is configured and no snapshot is loaded")

    def _expired_locked(self) -> bool:
        if self._loaded_at is None or not self._has_source_locked():
            return False
        return self._clock() - self._loaded_at >= self._ttl

    def _needs_refresh_locked(self) -> bool:
        if self._flight is not None or not self._expired_locked():
            return False
        # After a failed refresh, wait another ttl rather than retry on every call.
        return self._failed_at is None or self._clock() - self._failed_at >= self._ttl

    def _start_flight_locked(self) -> _Flight:
        flight = _Flight(seq=self._next_seq, started_at=self._clock())
        self._next_seq += 1
        self._read_count += 1
        self._flight = flight
        self._running.add(flight)
        return flight

    def _store_locked(self, schema: DatabaseSchema, read_at: float) -> None:
        self._schema = schema
        self._loaded_at = read_at
        self._failed_at = None

    def _source(self) -> Introspector:
        with self._lock:
            if self._introspector is None:
                assert self._url is not None  # _require_source_locked checked
                from .introspect import SchemaIntrospector

                self._introspector = SchemaIntrospector(
                    self._url, schemas=self._schemas, statement_timeout=self._statement_timeout
                )
                self._owns_introspector = True
            return self._introspector

    def _read(self, flight: _Flight) -> DatabaseSchema:
        """Run ``flight``'s read on this thread, record it, and wake its waiters."""
        try:
            schema = self._source().introspect()
        except BaseException as error:
            self._finish(flight, None, error)
            raise
        self._finish(flight, schema, None)
        return schema

    def _finish(
        self, flight: _Flight, schema: DatabaseSchema | None, error: BaseException | None
    ) -> None:
        with self._lock:
            if self._flight is flight:
                self._flight = None
            current = flight.seq >= self._min_seq and flight.seq > self._stored_seq
            if current:
                if schema is not None:
                    self._store_locked(schema, flight.started_at)
                    self._stored_seq = flight.seq
                    self._last_error = None
                else:
                    self._last_error = error
                    if self._schema is not None:
                        self._failed_at = self._clock()
            listeners = list(self._listeners) if current else []
        # Listeners run before waiters wake, so wait_for_refresh() covers them too.
        self._notify(listeners, schema, error)
        if error is not None:
            flight.future.set_exception(error)
        else:
            assert schema is not None
            flight.future.set_result(schema)
        with self._lock:
            self._running.discard(flight)

    def _notify(
        self,
        listeners: list[Listener],
        schema: DatabaseSchema | None,
        error: BaseException | None,
    ) -> None:
        for listener in listeners:
            try:
                listener(self, schema, error)
            except Exception:
                logger.exception("schema registry listener %r failed", listener)

    def _refresh_in_background(self, flight: _Flight) -> None:
        def run() -> None:
            # The error is recorded in last_error and passed to listeners.
            with contextlib.suppress(Exception):
                self._read(flight)

        thread = threading.Thread(
            target=run, name=f"schema-registry-refresh {self._where()}", daemon=True
        )
        thread.start()

    def _where(self) -> str:
        if self._url is not None:
            return self._url.describe()
        if isinstance(self._introspector, SnapshotSource):
            return str(self._introspector.path)
        return "the database"


def _close_matches(wanted: str, database: DatabaseSchema) -> list[str]:
    """Table keys whose key or bare name resembles ``wanted`` (case-insensitive)."""
    candidates: dict[str, str] = {}
    for table in database.tables:
        candidates.setdefault(table.key.lower(), table.key)
        candidates.setdefault(table.name.lower(), table.key)
    bare = wanted.rpartition(".")[2].lower()
    matches = difflib.get_close_matches(wanted.lower(), candidates, n=3)
    if bare != wanted.lower():
        matches += difflib.get_close_matches(bare, candidates, n=3)
    found: list[str] = []
    for match in matches:
        key = candidates[match]
        if key not in found:
            found.append(key)
    return found[:3]


__all__ = ["DEFAULT_TTL", "Introspector", "Listener", "SchemaRegistry", "SnapshotSource"]
