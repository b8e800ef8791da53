"""Where the benchmark runs: one database per dialect, created for the run and dropped after.

PostgreSQL and MariaDB get a database of their own (``nestauth_bench`` unless
``--postgres-url`` / ``--mysql-url`` or ``NESTAUTH_BENCH_POSTGRES_URL`` /
``NESTAUTH_BENCH_MYSQL_URL`` say otherwise); SQLite a file in a temporary
directory. Three connections reach the same database: the library's (through
``init_database``), a bare driver connection and a SQLAlchemy engine.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse, urlunparse

import peewee

from nestauth_peewee.db import MYSQL_SQL_MODE

DIALECTS = ("sqlite", "postgres", "mysql")
DEFAULT_URLS = {
    "postgres": "postgresql://postgres@127.0.0.1:5432/nestauth_bench",
    "mysql": "mysql://root@127.0.0.1:3306/nestauth_bench",
}
ENV_URLS = {"postgres": "NESTAUTH_BENCH_POSTGRES_URL", "mysql": "NESTAUTH_BENCH_MYSQL_URL"}


@dataclass
class Target:
    """One dialect's benchmark database: its URL (library) and how the other two reach it."""

    dialect: str
    url: str
    sqlite_path: str | None = None

    @property
    def placeholder(self) -> str:
        return "?" if self.dialect == "sqlite" else "%s"

    # --- database lifetime ---------------------------------------------------------------

    def create_database(self) -> None:
        """Create the server database (dropping a leftover one of the same name first)."""
        self.drop_database()
        if self.dialect == "sqlite":
            return
        name = self._name()
        admin = self._admin()
        with admin.connection_context():
            if self.dialect == "postgres":
                admin.execute_sql(f'CREATE DATABASE "{name}"')
            else:
                admin.execute_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")

    def drop_database(self) -> None:
        if self.dialect == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.sqlite_path + suffix):
                    os.remove(self.sqlite_path + suffix)
            return
        admin = self._admin()
        with admin.connection_context():
            quote = '"' if self.dialect == "postgres" else "`"
            admin.execute_sql(f"DROP DATABASE IF EXISTS {quote}{self._name()}{quote}")

    def _name(self) -> str:
        return urlparse(self.url).path.lstrip("/")

    def _admin(self) -> peewee.Database:
        parsed = urlparse(self.url)
        if self.dialect == "postgres":
            return peewee.PostgresqlDatabase("postgres", host=parsed.hostname, port=parsed.port or 5432,
                                             user=parsed.username, password=parsed.password)
        return peewee.MySQLDatabase("mysql", host=parsed.hostname, port=parsed.port or 3306,
                                    user=parsed.username, password=parsed.password or "")

    # --- the bare driver ---------------------------------------------------------------

    def driver_connect(self) -> Any:
        """A DB-API connection in autocommit mode, with the library's session settings."""
        if self.dialect == "sqlite":
            conn = sqlite3.connect(self.sqlite_path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA foreign_keys = 1")
            conn.execute("PRAGMA busy_timeout = 5000")
            return conn
        parsed = urlparse(self.url)
        if self.dialect == "postgres":
            import psycopg2

            conn = psycopg2.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username,
                                    password=parsed.password, dbname=self._name(),
                                    options="-c timezone=UTC")
            conn.autocommit = True
            return conn
        import pymysql

        return pymysql.connect(host=parsed.hostname, port=parsed.port or 3306, user=parsed.username,
                               password=parsed.password or "", database=self._name(),
                               charset="utf8mb4", autocommit=True, sql_mode=MYSQL_SQL_MODE,
                               init_command="SET time_zone = '+00:00'")

    # --- SQLAlchemy ----------------------------------------------------------------------

    def sqlalchemy_url(self) -> str:
        if self.dialect == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        parsed = urlparse(self.url)
        scheme = "postgresql+psycopg2" if self.dialect == "postgres" else "mysql+pymysql"
        url = urlunparse(parsed._replace(scheme=scheme))
        return url + ("?charset=utf8mb4" if self.dialect == "mysql" else "")


def make_targets(dialects: list[str], tmpdir: str, postgres_url: str | None = None,
                 mysql_url: str | None = None) -> list[Target]:
    targets = []
    for dialect in dialects:
        if dialect == "sqlite":
            path = os.path.join(tmpdir, "nestauth_bench.db")
            targets.append(Target("sqlite", f"sqlite:///{path}", sqlite_path=path))
            continue
        given = postgres_url if dialect == "postgres" else mysql_url
        url = given or os.environ.get(ENV_URLS[dialect]) or DEFAULT_URLS[dialect]
        targets.append(Target(dialect, url))
    return targets
