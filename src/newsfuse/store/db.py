"""The database connection: URL, engine, transactions, one-line errors, migrations and the refresh lock.

Reads a SQLAlchemy URL (`--db`, else $NEWSFUSE_DB, else ./newsfuse.db); adds `Database`, the base every
store part builds on: `_write`/`_read` transactions, driver errors turned into `StoreError`, migration to
`schema.LATEST` at open, and `exclusive()` to serialise story refreshes across processes.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from . import schema as S

DEFAULT_URL = "sqlite:///newsfuse.db"
_PG_LOCK = 0x6E667573  # advisory lock id serialising migrations on PostgreSQL


class StoreError(Exception):
    """The database cannot be used (locked, unreachable, too new); the message is one line for the user."""


class ArticleRejected(StoreError):
    """One article could not be stored (bad data or an id clash); the rest of the batch goes on."""


def now() -> str:
    """The current UTC time, ISO 8601 to the second (how every timestamp is stored)."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def resolve_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to use: explicit, else $NEWSFUSE_DB, else ./newsfuse.db; maps postgres(ql):// to psycopg."""
    url = (url or os.environ.get("NEWSFUSE_DB") or DEFAULT_URL).strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    elif "://" not in url:  # a bare file path
        url = "sqlite:///" + url
    return url


def shown_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


def one_line(exc: BaseException) -> str:
    """The first line of a (driver) error's message, for `StoreError`s."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


class Database:
    """A handle on one database (a connection pool): transactions, errors, migrations, locks."""

    def __init__(self, url: str | None = None, *, timeout: float = 10.0, migrate_to: int | None = None) -> None:
        self.url = resolve_url(url)
        self.timeout = timeout
        self.is_sqlite = self.url.startswith("sqlite")
        try:
            self.engine = self._make_engine()
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
            raise StoreError(f"bad database URL {shown_url(self.url)!r}: {one_line(exc)}") from None
        self._migrate(S.LATEST if migrate_to is None else migrate_to)

    # ------------------------------------------------------------------ plumbing

    def _make_engine(self) -> Engine:
        if self.is_sqlite:
            engine = sa.create_engine(self.url, connect_args={"timeout": self.timeout, "check_same_thread": False})
            busy_ms = int(self.timeout * 1000)

            @event.listens_for(engine, "connect")
            def _sqlite_connect(dbapi_conn, _rec) -> None:  # noqa: ANN001
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout={busy_ms}")
                cur.execute("PRAGMA foreign_keys=ON")
                try:
                    cur.execute("PRAGMA journal_mode=WAL")  # readers (web) do not block the writer (ingest)
                    # a WAL commit then skips its fsync: a killed process loses nothing committed, a power cut
                    # at most the last commits (the database stays consistent, as after an earlier crash)
                    cur.execute("PRAGMA synchronous=NORMAL")
                except Exception:  # noqa: BLE001  # e.g. read-only media: the default journal still works
                    pass
                cur.close()

            @event.listens_for(engine, "begin")
            def _sqlite_begin(conn: Connection) -> None:
                # writers take the write lock up front, so the busy timeout applies instead of a deadlock
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("nf_write") else "BEGIN")

            return engine
        args = {"connect_timeout": max(1, int(self.timeout))} if self.url.startswith("postgresql") else {}
        return sa.create_engine(self.url, connect_args=args, pool_pre_ping=True)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver errors about the database itself into one-line `StoreError`s."""
        try:
            yield
        except sa.exc.OperationalError as exc:
            msg = one_line(exc)
            if "locked" in msg or "busy" in msg:
                raise StoreError(f"database {shown_url(self.url)} is busy (locked by another process); try again") from None
            raise StoreError(f"cannot use database {shown_url(self.url)}: {msg}") from None
        except sa.exc.InterfaceError as exc:
            raise StoreError(f"cannot use database {shown_url(self.url)}: {one_line(exc)}") from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        with self._errors(), self.engine.connect() as conn:
            conn.execution_options(nf_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot)."""
        with self._errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ migrations

    def _lock(self, conn: Connection) -> None:
        if self.engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})

    def _migrate(self, target: int) -> None:
        with self._read() as conn:  # the common case (already current) takes no write lock
            if sa.inspect(conn).has_table("schema_version"):
                current = conn.execute(sa.select(S.schema_version.c.version)).scalar()
                if current is not None and current >= target:
                    if current > S.LATEST:
                        raise StoreError(
                            f"database {shown_url(self.url)} has schema version {current}, newer than this "
                            f"newsfuse knows ({S.LATEST}); upgrade newsfuse"
                        )
                    return
        with self._write() as conn:
            self._lock(conn)
            S.schema_version.create(conn, checkfirst=True)
            if conn.execute(sa.select(S.schema_version.c.version)).scalar() is None:
                conn.execute(S.schema_version.insert().values(version=0))
        current = self.schema_version()
        if current > S.LATEST:
            raise StoreError(
                f"database {shown_url(self.url)} has schema version {current}, newer than this newsfuse knows "
                f"({S.LATEST}); upgrade newsfuse"
            )
        for version, _desc, step in S.MIGRATIONS:
            if version > target:
                break
            with self._write() as conn:
                self._lock(conn)
                if conn.execute(sa.select(S.schema_version.c.version)).scalar_one() >= version:
                    continue  # someone else got there first
                step(conn)
                conn.execute(S.schema_version.update().values(version=version))

    def schema_version(self) -> int:
        """The schema version the database is at."""
        with self._read() as conn:
            return int(conn.execute(sa.select(S.schema_version.c.version)).scalar_one())

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Serialise story refreshes across processes (PostgreSQL advisory lock; a lock file next to SQLite)."""
        if self.engine.dialect.name == "postgresql":
            with self._errors(), self.engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK + 1})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK + 1})
                    conn.commit()
            return
        path = self.engine.url.database
        if not self.is_sqlite or not path or path == ":memory:":
            yield
            return
        import fcntl

        with open(path + ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
