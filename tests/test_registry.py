"""SchemaRegistry against real databases: reads are counted, time is a fake clock, and
races are made real by holding a read open on a threading.Event."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schema_lsp.errors import (
    ConfigError,
    DatabaseUnreachable,
    SchemaLspError,
    UnknownTable,
)
from schema_lsp.introspect import SchemaIntrospector
from schema_lsp.registry import SchemaRegistry
from schema_lsp.schema import DatabaseSchema
from tests.conftest import TestDatabase

TTL = 300.0
SHOP_TABLES = {"users", "orders", "order_items"}


class CountingIntrospector:
    """Reads the real database through SchemaIntrospector, counting the reads; ``hold()``
    makes reads wait on an Event so a test can keep one open while others race it
    (``once=True``: only the next read waits)."""

    def __init__(self, url: str) -> None:
        self.inner = SchemaIntrospector(url)
        self.calls = 0
        self.entered = threading.Event()
        self.gate: threading.Event | None = None
        self._once = False
        self._lock = threading.Lock()

    def hold(self, once: bool = False) -> threading.Event:
        gate = threading.Event()
        with self._lock:
            self.entered.clear()
            self.gate, self._once = gate, once
        return gate

    def introspect(self) -> DatabaseSchema:
        with self._lock:
            self.calls += 1
            gate = self.gate
            if self._once:
                self.gate = None
        self.entered.set()
        if gate is not None and not gate.wait(timeout=30):
            raise AssertionError("the test never released the held read")
        return self.inner.introspect()

    def dispose(self) -> None:
        self.inner.dispose()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for another thread to reach a state (a safety deadline, not a timing test)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.001)


class Callers:
    """``count`` threads released together, each calling ``target`` once; ``results`` holds
    what each returned or raised, in finishing order."""

    def __init__(self, count: int, target: Callable[[], object]) -> None:
        self.results: list[object] = []
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(count)
        self._target = target
        self._threads = [threading.Thread(target=self._call, daemon=True) for _ in range(count)]
        for thread in self._threads:
            thread.start()

    def _call(self) -> None:
        self._barrier.wait()
        try:
            outcome = self._target()
        except BaseException as error:
            outcome = error
        with self._lock:
            self.results.append(outcome)

    def join(self) -> list[object]:
        for thread in self._threads:
            thread.join(timeout=30)
            assert not thread.is_alive(), "a caller is still blocked"
        return self.results


@pytest.fixture
def shop(sqlite_db: TestDatabase) -> TestDatabase:
    sqlite_db.execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
        "user_id INTEGER NOT NULL REFERENCES users (id), total NUMERIC(10, 2))",
        "CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders (id), "
        "line INTEGER NOT NULL, sku VARCHAR(40), PRIMARY KEY (order_id, line))",
    )
    return sqlite_db


@pytest.fixture
def counting(shop: TestDatabase) -> Iterator[CountingIntrospector]:
    introspector = CountingIntrospector(shop.url)
    yield introspector
    if introspector.gate is not None:
        introspector.gate.set()  # never leave a thread blocked after a failed test
    introspector.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def registry(
    shop: TestDatabase, counting: CountingIntrospector, clock: FakeClock
) -> SchemaRegistry:
    return SchemaRegistry(shop.url, ttl=TTL, introspector=counting, clock=clock)


@pytest.fixture
def shared_registries() -> Iterator[None]:
    SchemaRegistry.dispose_instances()
    yield
    SchemaRegistry.dispose_instances()


# -- loading and caching ----------------------------------------------------------------


def test_nothing_is_read_until_a_schema_is_asked_for(
    registry: SchemaRegistry, counting: CountingIntrospector
) -> None:
    assert counting.calls == 0
    assert registry.read_count == 0
    assert not registry.is_loaded
    assert not registry.is_cache_valid()

    users = registry.get_table_schema("users")

    assert users.column_names == ("id", "email")
    assert counting.calls == 1
    assert registry.read_count == 1
    assert registry.is_cache_valid()


def test_later_calls_are_served_from_the_cache(
    registry: SchemaRegistry, counting: CountingIntrospector
) -> None:
    first = registry.get_database_schema()
    registry.get_table_schema("orders")
    registry.get_all_table_schemas()

    assert registry.get_database_schema() is first
    assert counting.calls == 1


def test_all_table_schemas_are_keyed_by_table_key(registry: SchemaRegistry) -> None:
    tables = registry.get_all_table_schemas()

    assert set(tables) == SHOP_TABLES
    assert tables["order_items"].primary_key is not None
    assert tables["order_items"].primary_key.columns == ("order_id", "line")


def test_default_schema_may_be_named(registry: SchemaRegistry) -> None:
    schema = registry.get_database_schema()
    assert schema.default_schema == "main"

    assert registry.get_table_schema("main.users") is registry.get_table_schema("users")
    assert registry.get_table_schema("users", schema="main").name == "users"


def test_concurrent_callers_on_a_cold_registry_share_one_read(
    registry: SchemaRegistry, counting: CountingIntrospector
) -> None:
    gate = counting.hold()

    callers = Callers(16, registry.get_database_schema)
    # One caller is inside the read; the other fifteen must be waiting on it, not reading.
    assert counting.entered.wait(timeout=10)
    eventually(lambda: registry.waiting_callers == 15)
    assert callers.results == []
    gate.set()
    results = callers.join()

    assert counting.calls == 1
    assert registry.read_count == 1
    assert len(results) == 16
    assert all(result is results[0] for result in results)
    assert isinstance(results[0], DatabaseSchema)
    assert registry.waiting_callers == 0


# -- TTL and stale-while-revalidate -----------------------------------------------------


def test_expired_schema_is_served_at_once_while_one_refresh_runs(
    registry: SchemaRegistry, counting: CountingIntrospector, shop: TestDatabase, clock: FakeClock
) -> None:
    old = registry.get_database_schema()
    shop.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY, body TEXT)")

    clock.advance(TTL - 1)
    assert registry.get_database_schema() is old
    assert registry.is_cache_valid()
    assert registry.read_count == 1

    clock.advance(1)
    assert registry.is_stale
    gate = counting.hold()
    refreshed_at = clock.now
    # Sixteen callers while the refresh is held open: all get the old schema, none waits.
    results = Callers(16, registry.get_database_schema).join()
    assert len(results) == 16
    assert all(result is old for result in results)
    assert registry.read_count == 2
    assert registry.is_refreshing

    gate.set()
    assert registry.wait_for_refresh(timeout=10)

    assert counting.calls == 2
    assert not registry.is_refreshing
    assert registry.is_cache_valid()
    assert registry.read_at == refreshed_at
    assert registry.get_table_schema("reviews").column_names == ("id", "body")
    assert registry.last_error is None


def test_failed_refresh_keeps_the_last_good_schema(
    registry: SchemaRegistry, shop: TestDatabase, clock: FakeClock
) -> None:
    events: list[tuple[DatabaseSchema | None, BaseException | None]] = []
    registry.add_listener(lambda _registry, schema, error: events.append((schema, error)))
    good = registry.get_database_schema()
    assert events == [(good, None)]

    database_file = Path(shop.engine.url.database or "")
    original = database_file.read_bytes()
    database_file.write_bytes(b"this is not a database" * 200)
    clock.advance(TTL)

    assert registry.get_database_schema() is good
    assert registry.wait_for_refresh(timeout=10)

    error = registry.last_error
    assert isinstance(error, SchemaLspError)
    assert events[-1] == (None, error)
    assert registry.get_table_schema("users") is good.table("users")
    # The failure is not retried on every call, only after another ttl.
    assert registry.read_count == 2
    clock.advance(TTL - 1)
    registry.get_database_schema()
    assert registry.read_count == 2

    database_file.write_bytes(original)
    clock.advance(1)
    registry.get_database_schema()
    assert registry.wait_for_refresh(timeout=10)
    assert registry.read_count == 3
    assert registry.last_error is None
    assert registry.is_cache_valid()
    assert events[-1][0] is not None and events[-1][1] is None


def test_failed_first_load_raises_to_every_waiting_caller(tmp_path: Path) -> None:
    counting = CountingIntrospector(f"sqlite:///{tmp_path / 'missing.db'}")
    registry = SchemaRegistry(introspector=counting)
    gate = counting.hold()

    callers = Callers(4, registry.get_database_schema)
    assert counting.entered.wait(timeout=10)
    eventually(lambda: registry.waiting_callers == 3)
    gate.set()
    results = callers.join()

    assert counting.calls == 1
    assert len(results) == 4
    assert all(isinstance(result, DatabaseUnreachable) for result in results)
    assert registry.last_error is results[0]
    assert not registry.is_loaded
    # Nothing to serve, so the next caller tries again.
    with pytest.raises(DatabaseUnreachable, match="not found"):
        registry.get_table_schema("users")
    assert counting.calls == 2


def test_failed_first_load_with_the_default_introspector(tmp_path: Path) -> None:
    registry = SchemaRegistry(f"sqlite:///{tmp_path / 'nowhere.db'}")

    with pytest.raises(DatabaseUnreachable, match=r"nowhere\.db"):
        registry.get_database_schema()
    assert registry.read_count == 1
    assert not (tmp_path / "nowhere.db").exists()


# -- explicit control -------------------------------------------------------------------


def test_unknown_table_names_close_matches(registry: SchemaRegistry) -> None:
    with pytest.raises(UnknownTable) as raised:
        registry.get_table_schema("user")

    assert raised.value.suggestions[0] == "users"
    assert "'users'" in str(raised.value)

    with pytest.raises(UnknownTable) as raised:
        registry.get_table_schema("Order_Item")
    assert raised.value.suggestions[0] == "order_items"


def test_clear_cache_forces_a_new_read(
    registry: SchemaRegistry, counting: CountingIntrospector
) -> None:
    registry.get_database_schema()
    registry.clear_cache()

    assert not registry.is_loaded
    assert not registry.is_cache_valid()
    assert counting.calls == 1
    registry.get_database_schema()
    assert counting.calls == 2


def test_read_running_during_clear_cache_is_not_cached(
    registry: SchemaRegistry, counting: CountingIntrospector
) -> None:
    gate = counting.hold()
    callers = Callers(1, registry.get_database_schema)
    assert counting.entered.wait(timeout=10)
    registry.clear_cache()
    gate.set()

    [result] = callers.join()
    assert isinstance(result, DatabaseSchema)  # its caller still gets an answer
    assert not registry.is_loaded
    registry.get_database_schema()
    assert counting.calls == 2


def test_refresh_started_before_a_sync_never_replaces_its_result(
    registry: SchemaRegistry, counting: CountingIntrospector, clock: FakeClock
) -> None:
    registry.get_database_schema()
    clock.advance(TTL)
    gate = counting.hold(once=True)
    registry.get_database_schema()  # starts the background refresh, held open
    assert counting.entered.wait(timeout=10)

    synced = registry.sync_with_database()
    assert registry.get_database_schema() is synced
    gate.set()
    assert registry.wait_for_refresh(timeout=10)
    assert counting.calls == 3
    assert registry.get_database_schema() is synced


def test_sync_rereads_and_sees_a_table_added_by_ddl(
    registry: SchemaRegistry, counting: CountingIntrospector, shop: TestDatabase
) -> None:
    registry.get_database_schema()
    shop.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY)")
    with pytest.raises(UnknownTable):
        registry.get_table_schema("reviews")  # the cache is still valid

    synced = registry.sync_with_database()

    assert "reviews" in synced.table_keys
    assert registry.get_table_schema("reviews").name == "reviews"
    assert counting.calls == 2


def test_failing_listener_does_not_break_loading(
    registry: SchemaRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("listener bug")

    registry.add_listener(broken)

    assert set(registry.get_all_table_schemas()) == SHOP_TABLES
    assert "listener" in caplog.text and "listener bug" in caplog.text


def test_listener_can_be_removed(registry: SchemaRegistry) -> None:
    seen: list[DatabaseSchema | None] = []
    remove = registry.add_listener(lambda _registry, schema, _error: seen.append(schema))
    registry.get_database_schema()
    remove()
    registry.sync_with_database()

    assert len(seen) == 1


# -- snapshots --------------------------------------------------------------------------


def test_snapshot_round_trip_is_byte_stable(registry: SchemaRegistry, tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    registry.save_snapshot(first)

    offline = SchemaRegistry.from_snapshot(first)
    assert offline.get_database_schema() == registry.get_database_schema()
    offline.save_snapshot(second)

    assert first.read_bytes() == second.read_bytes()


def test_loaded_snapshot_is_served_as_fresh(
    shop: TestDatabase, counting: CountingIntrospector, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "shop.json"
    SchemaRegistry(introspector=counting).save_snapshot(path)
    shop.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY)")
    registry = SchemaRegistry(shop.url, introspector=counting, clock=clock, ttl=TTL)

    loaded = registry.load_snapshot(path)

    assert registry.get_database_schema() is loaded
    assert registry.is_cache_valid()
    assert registry.read_at == clock.now
    assert registry.read_count == 0
    with pytest.raises(UnknownTable):
        registry.get_table_schema("reviews")  # the snapshot's view, not the database's
    clock.advance(TTL)
    registry.get_database_schema()
    assert registry.wait_for_refresh(timeout=10)
    assert registry.get_table_schema("reviews").name == "reviews"


def test_loaded_snapshot_wins_over_a_read_already_running(
    registry: SchemaRegistry, counting: CountingIntrospector, shop: TestDatabase, tmp_path: Path
) -> None:
    path = tmp_path / "shop.json"
    registry.save_snapshot(path)
    registry.clear_cache()
    shop.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY)")
    gate = counting.hold(once=True)
    callers = Callers(1, registry.get_database_schema)
    assert counting.entered.wait(timeout=10)

    loaded = registry.load_snapshot(path)
    gate.set()

    [result] = callers.join()
    assert isinstance(result, DatabaseSchema)
    assert "reviews" in result.table_keys  # that caller gets the read it waited for
    assert registry.get_database_schema() is loaded


def test_registry_without_a_source_serves_only_loaded_snapshots(
    registry: SchemaRegistry, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "shop.json"
    registry.save_snapshot(path)
    bare = SchemaRegistry(clock=clock)

    with pytest.raises(ConfigError, match="no database URL"):
        bare.get_database_schema()

    bare.load_snapshot(path)
    clock.advance(10 * TTL)
    assert bare.is_cache_valid()
    assert set(bare.get_all_table_schemas()) == SHOP_TABLES
    with pytest.raises(ConfigError, match="no database URL"):
        bare.sync_with_database()


# -- shared instances -------------------------------------------------------------------


@pytest.mark.usefixtures("shared_registries")
def test_one_shared_registry_per_url(shop: TestDatabase, tmp_path: Path) -> None:
    first = SchemaRegistry.get_instance(shop.url)
    other_url = f"sqlite:///{tmp_path / 'other.db'}"

    assert SchemaRegistry.get_instance(shop.url) is first
    assert SchemaRegistry.get_instance(other_url) is not first
    assert SchemaRegistry.get_instance(other_url) is SchemaRegistry.get_instance(other_url)
    # The default driver is resolved first, so both spellings name one database.
    assert SchemaRegistry.get_instance("postgresql://u@h/db") is SchemaRegistry.get_instance(
        "postgresql+psycopg://u@h/db"
    )
    assert set(first.get_all_table_schemas()) == SHOP_TABLES

    SchemaRegistry.dispose_instances()
    assert SchemaRegistry.get_instance(shop.url) is not first


@pytest.mark.usefixtures("shared_registries")
def test_registry_never_shows_the_password() -> None:
    registry = SchemaRegistry.get_instance("postgresql://u:s3cret@h/db")

    for text in (
        repr(registry),
        str(registry),
        repr(registry.url),
        repr(SchemaRegistry._instances),
    ):
        assert "s3cret" not in text
    assert "u:***@h/db" in repr(registry)
    assert registry.read_count == 0


def test_importing_the_registry_loads_no_database_code() -> None:
    code = (
        "import sys, schema_lsp.registry; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('sqlalchemy', 'psycopg', 'pymysql', 'sqlite3')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_negative_ttl_is_rejected() -> None:
    with pytest.raises(ValueError, match="ttl"):
        SchemaRegistry(ttl=-1)


# -- server databases -------------------------------------------------------------------


def test_registry_reads_every_dialect(any_db: TestDatabase) -> None:
    any_db.execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, "
        "FOREIGN KEY (user_id) REFERENCES users (id))",
    )
    registry = SchemaRegistry(any_db.url)
    try:
        users = registry.get_table_schema("users")
        default_schema = registry.get_database_schema().default_schema
        assert registry.get_table_schema(f"{default_schema}.users") is users
        email = users.column("email")
        assert email is not None and email.nullable is False
        orders = registry.get_table_schema("orders")
        assert orders.foreign_keys[0].referred_table == "users"
        assert set(registry.get_all_table_schemas()) == {"users", "orders"}
        assert registry.read_count == 1
    finally:
        registry.dispose()
