"""Turning driver exceptions into the library's typed errors (:mod:`.errors`).

The database proxy (:mod:`.db`) and :func:`~nestauth_peewee.unit_of_work.transaction`
pass every peewee/driver exception through :func:`translate`. Unique indexes are
mapped to their error class by the models (:func:`register_unique_error`), so
this module knows no table.

    from nestauth_peewee.driver_errors import translate
    try:
        ...
    except peewee.PeeweeException as exc:
        raise translate(exc) from exc
"""

from __future__ import annotations

import re

import peewee

from .errors import (
    ConflictError,
    DatabaseBusy,
    DatabaseReadOnly,
    DatabaseUnavailable,
    ForeignKeyRefused,
    InvalidValue,
    NestAuthError,
    ReferenceNotFound,
    RequiredValueMissing,
    SchemaMissing,
    TransactionConflict,
    UniqueViolation,
    ValueTooLong,
)

__all__ = ["translate", "register_unique_error"]


def _is_retryable(orig: BaseException) -> bool:
    pgcode = getattr(orig, "pgcode", None)
    if pgcode is not None:
        return pgcode in ("40P01", "40001")  # deadlock_detected, serialization_failure
    return bool(orig.args) and orig.args[0] == 1213  # MySQL/MariaDB ER_LOCK_DEADLOCK


# --- driver error translation ----------------------------------------------------

#: Unique index name -> error class. Filled by the models (see
#: :func:`register_unique_error`) so this module stays free of table knowledge.
_UNIQUE_ERRORS: dict[str, type[UniqueViolation]] = {}
#: (table, column tuple) -> index name, for SQLite, whose messages name columns.
_UNIQUE_COLUMNS: dict[tuple[str, tuple[str, ...]], str] = {}


def register_unique_error(
    index_name: str, table: str, columns: tuple[str, ...], error: type[UniqueViolation]
) -> None:
    """Map a unique index to the error a violation of it should raise."""
    _UNIQUE_ERRORS[index_name] = error
    _UNIQUE_COLUMNS[(table, tuple(columns))] = index_name


_MYSQL_DUP_KEY = re.compile(r"for key '(?:[^'.]+\.)?([^']+)'")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
_MYSQL_TOO_LONG = re.compile(r"Data too long for column '([^']+)'")
_MISSING_TABLE = re.compile(
    r"no such table: (?P<sqlite>\S+)"                       # SQLite
    r"|relation \"(?P<pg>[^\"]+)\" does not exist"          # PostgreSQL 42P01
    r"|Table '(?:[^'.]+\.)?(?P<mysql>[^']+)' doesn't exist"  # MySQL/MariaDB 1146
)
_MISSING_COLUMN = re.compile(
    r"no such column: (?P<sqlite>\S+)"
    r"|column (?P<pg>\S+) does not exist"                    # PostgreSQL 42703
    r"|Unknown column '(?P<mysql>[^']+)'"                     # MySQL/MariaDB 1054
)


def _driver_error(exc: BaseException) -> BaseException:
    # peewee raises its own class while handling the driver's exception (peewee 4 keeps it as .orig).
    orig = getattr(exc, "orig", None)
    if isinstance(orig, BaseException):
        return orig
    if exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    inner = exc.__cause__ or exc.__context__
    if inner is not None and type(inner).__module__.split(".")[0] in ("psycopg2", "pymysql", "sqlite3"):
        return inner
    return exc


def _unique_index_name(orig: BaseException, text: str) -> str | None:
    diag = getattr(orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    match = _MYSQL_DUP_KEY.search(text)
    if match:
        return match.group(1)
    match = _SQLITE_UNIQUE.search(text)
    if match:
        parts = [p.strip() for p in match.group(1).split(",")]
        table = parts[0].split(".")[0]
        columns = tuple(p.split(".", 1)[-1] for p in parts)
        return _UNIQUE_COLUMNS.get((table, columns), ",".join(parts))
    return None


#: How each driver names an integrity failure: PostgreSQL's SQLSTATE, MySQL/MariaDB's error
#: numbers, and the words of SQLite's message (it has no code per kind).
_INTEGRITY: dict[str, tuple[str, tuple[int, ...], tuple[str, ...]]] = {
    "unique": ("23505", (1062, 1169, 1586), ("UNIQUE constraint failed", "PRIMARY KEY must be unique")),
    "foreign key": ("23503", (1216, 1452), ("FOREIGN KEY constraint failed",)),
    "not null": ("23502", (1048, 1364), ("NOT NULL constraint failed",)),
}


def _is(kind: str, orig: BaseException, text: str) -> bool:
    """Whether the driver's exception ``orig`` (message ``text``) is that kind of integrity failure."""
    sqlstate, mysql_codes, sqlite_words = _INTEGRITY[kind]
    pgcode = getattr(orig, "pgcode", None)
    if pgcode is not None:
        return pgcode == sqlstate
    mysql_code = orig.args[0] if orig.args and isinstance(orig.args[0], int) else None
    if mysql_code is not None:
        return mysql_code in mysql_codes
    return any(words in text for words in sqlite_words)


def translate(exc: BaseException) -> BaseException:
    """Return the library error for a peewee/driver exception, or ``exc`` itself.

    Unique violations become the subclass registered for the index (e.g.
    :class:`EmailAlreadyExists`), foreign-key and NOT NULL violations and
    overlong values their own types; a lost connection (closed, dropped, a
    Galera node not ready) :class:`DatabaseUnavailable`; a write on a read-only
    database :class:`DatabaseReadOnly`; anything else is returned unchanged.
    """
    if isinstance(exc, NestAuthError):
        return exc
    orig = _driver_error(exc)
    text = str(orig)
    if isinstance(exc, peewee.IntegrityError):
        if _is("unique", orig, text):
            index = _unique_index_name(orig, text)
            cls = _UNIQUE_ERRORS.get(index or "", UniqueViolation)
            return cls(index=index, detail=text)
        if _is("foreign key", orig, text):
            return ReferenceNotFound(detail=text)
        if _is("not null", orig, text):
            return RequiredValueMissing(
                "A required value is missing: " + text.splitlines()[0], detail=text
            )
        return ConflictError("The database refused the write: " + text.splitlines()[0])
    if isinstance(exc, peewee.DataError):
        pgcode = getattr(orig, "pgcode", None)
        match = _MYSQL_TOO_LONG.search(text)
        if pgcode == "22001" or match:
            column = match.group(1) if match else None
            return ValueTooLong(
                "A value is longer than its column allows" + (f" ({column})." if column else "."),
                column=column,
            )
        return InvalidValue("The database refused a value: " + text.splitlines()[0])
    missing = _schema_missing(orig, text)
    if missing is not None:
        return missing
    if _is_errno_150(orig, text):
        table = re.search(r"table `(?:[^`]+`\.`)?([^`]+)`", text)
        where = f"Creating {table.group(1)}: " if table else ""
        return ForeignKeyRefused(where + ForeignKeyRefused.default_message, detail=_one_line(text))
    if isinstance(exc, (peewee.OperationalError, peewee.InternalError)) and _is_retryable(orig):
        return TransactionConflict(detail=_one_line(text))
    if _is_read_only(orig, text):
        return DatabaseReadOnly(detail=_one_line(text))
    if isinstance(exc, (peewee.OperationalError, peewee.InterfaceError, peewee.InternalError)) and (
            _is_lost_connection(exc, orig) or _looks_unreachable(text)):
        return DatabaseUnavailable("Cannot reach the database: " + _one_line(text))
    if isinstance(exc, peewee.OperationalError) and _is_busy(orig, text):
        return DatabaseBusy(detail=_one_line(text))
    return exc


def _schema_missing(orig: BaseException, text: str) -> SchemaMissing | None:
    """A missing table or column, with what to run (the schema was not created or not migrated)."""
    pgcode = getattr(orig, "pgcode", None)
    mysql_code = orig.args[0] if orig.args and isinstance(orig.args[0], int) else None
    if pgcode is not None and pgcode not in ("42P01", "42703"):
        return None
    if mysql_code is not None and mysql_code not in (1146, 1054):
        return None
    table, column = _MISSING_TABLE.search(text), _MISSING_COLUMN.search(text)
    if table:
        name = next(v for v in table.groupdict().values() if v)
        return SchemaMissing(
            f"The table {name} does not exist in this database: run `nestauth migrate` (or, in "
            "development, `nestauth create-tables`).", table=name, detail=_one_line(text))
    if column and (pgcode or mysql_code or "no such column" in text):
        name = next(v for v in column.groupdict().values() if v).strip('"')
        return SchemaMissing(
            f"The column {name} does not exist in this database: its schema is older than this "
            "version of nestauth-peewee; run `nestauth migrate` (or, in development, `nestauth sync`).",
            column=name, detail=_one_line(text))
    return None


def _is_errno_150(orig: BaseException, text: str) -> bool:
    mysql_code = orig.args[0] if orig.args and isinstance(orig.args[0], int) else None
    return mysql_code in (1005, 1215) and ("errno: 150" in text or "errno 150" in text or mysql_code == 1215)


def _mysql_code(orig: BaseException) -> int | None:
    return orig.args[0] if orig.args and isinstance(orig.args[0], int) else None


def _is_read_only(orig: BaseException, text: str) -> bool:
    """A write refused because the database (or the transaction) is read-only."""
    pgcode = getattr(orig, "pgcode", None)
    if pgcode is not None:
        return pgcode == "25006"  # read_only_sql_transaction (a hot standby, or read-only set)
    code = _mysql_code(orig)
    if code is not None:
        return code in (1290, 1792, 1836)  # --read-only / read-only transaction / read-only slave
    return "attempt to write a readonly database" in text


def _is_lost_connection(exc: BaseException, orig: BaseException) -> bool:
    """The connection is gone: closed under us, dropped by a pooler, or a cluster node not ready."""
    if type(orig).__module__.split(".")[0] == "psycopg2" and type(orig).__name__ == "InterfaceError":
        return True  # "connection already closed": nothing else raises psycopg2's InterfaceError
    code = _mysql_code(orig)
    if code is not None:
        # 1047: WSREP (Galera) node not ready; 2006 gone away; 2013 lost during query;
        # 0 with an InterfaceError: PyMySQL used after the socket closed.
        return code in (1047, 2006, 2013) or (code == 0 and isinstance(exc, peewee.InterfaceError))
    return False


def _is_busy(orig: BaseException, text: str) -> bool:
    """Lock timeout or SQLite's busy database (deadlocks are :func:`_is_retryable`)."""
    pgcode = getattr(orig, "pgcode", None)
    if pgcode is not None:
        return pgcode == "55P03"  # lock_not_available
    mysql_code = _mysql_code(orig)
    if mysql_code is not None:
        return mysql_code == 1205  # ER_LOCK_WAIT_TIMEOUT
    return "database is locked" in text or "database table is locked" in text


def _looks_unreachable(text: str) -> bool:
    lowered = text.lower()
    return any(
        marker in lowered
        for marker in (
            "could not connect",
            "connection refused",
            "can't connect",
            "unknown database",
            "does not exist",
            "access denied",
            "unable to open database",
            "name or service not known",
            "timeout expired",
            "server closed the connection",
            "connection already closed",
        )
    )


def _one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else "unknown error"


# --- users, passwords, identities, admin users -----------------------------------
