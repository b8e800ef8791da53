"""The input boundary: every public service method checks its arguments here, before any query.

A method declares once what each of its parameters is (a *kind*); :func:`checked`
binds each call, runs every given argument through its kind and calls the
method with the cleaned values. A refusal is a typed error naming the
parameter (``details["field"]``), raised before the database is touched::

    import uuid
    from nestauth_peewee import errors
    from nestauth_peewee.validation import ID, NAME, TEXT, checked

    class Notes:
        @checked(owner_id=ID, title=NAME, body=TEXT.optional)
        def add(self, owner_id, title, body=None):
            return owner_id, title, body

    owner = uuid.uuid4()
    assert Notes().add(str(owner), "  Groceries ") == (owner, "Groceries", None)
    try:
        Notes().add(owner, "a\\x00b")
    except errors.InvalidValue as exc:
        assert exc.details["field"] == "title"

:func:`checked` refuses (``TypeError``, at import) a method with a parameter
that has no kind, so a parameter added later cannot skip the boundary. Defaults
are trusted and not re-checked; :data:`UNSET` ("not given") passes through.

The rules (docs/security.md lists them with their codes):

* text must be a ``str`` (bytes, numbers, lists are refused, never ``str()``-ed);
  NUL, lone surrogates and other control characters are refused (free text,
  :data:`TEXT`, allows tab, line feed and carriage return); surrounding
  whitespace is removed; longer than the column is ``VALUE_TOO_LONG``, never cut;
* the one clipped value is the user agent (:data:`USER_AGENT`, see :func:`clip_text`);
* ids are UUIDs, their text form, or the row itself; integers are ``int`` (not
  ``bool``) within their range; flags are ``bool``; durations positive
  :class:`~datetime.timedelta`; datetimes :class:`~datetime.datetime`.
"""

from __future__ import annotations

import enum
import functools
import inspect
import ipaddress
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import peewee

from . import errors
from .normalize import normalize_email, normalize_phone

__all__ = [
    "Kind", "checked", "UNSET", "Unset",
    "as_uuid", "text", "clip_text", "normalize_ip",
    "ID", "IDS", "NAME", "NAMES", "SHORT_NAME", "LINE", "TEXT", "LONG_TEXT", "SEARCH", "EMAIL", "PHONE",
    "PASSWORD", "IP_ADDRESS", "USER_AGENT", "FLAG", "METADATA", "PAGE", "LIMIT", "OFFSET",
    "DURATION", "DATETIME", "BATCH_SIZE", "int_in", "choice", "pattern", "credential",
    "USER_AGENT_MAX_LENGTH", "MAX_OFFSET",
]

F = TypeVar("F", bound=Callable[..., Any])


class Unset(enum.Enum):
    """Marker for "argument not given" where ``None`` is a meaningful value."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET

#: The user agent column's length; longer values are clipped (the one clipped value).
USER_AGENT_MAX_LENGTH = 512
#: The largest ``offset`` a listing accepts (keeps every dialect's integer happy).
MAX_OFFSET = 2**31 - 1
#: Free text longer than this is refused even where the column is unbounded
#: (TEXT on MariaDB holds 65,535 bytes, i.e. 16,383 four-byte characters).
LONG_TEXT_MAX_LENGTH = 10_000
_MAX_ITEMS = 1000
_MAX_DURATION = timedelta(days=3660)

# C0 controls, DEL and C1 controls; free text keeps tab, line feed and carriage return.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- kinds and the decorator ------------------------------------------------------------


class Kind:
    """One kind of parameter: ``check(field, value)`` returns the clean value or raises.

    ``kind.optional`` is the same kind accepting ``None`` (returned as is);
    ``examples`` are a few valid values (for docs and the fuzz test).
    """

    __slots__ = ("name", "check", "nullable", "examples")

    def __init__(self, name: str, check: Callable[[str, Any], Any], *, nullable: bool = False,
                 examples: tuple[Any, ...] = ()) -> None:
        self.name = name
        self.check = check
        self.nullable = nullable
        self.examples = examples

    def __call__(self, field: str, value: Any) -> Any:
        if value is UNSET or (value is None and self.nullable):
            return value
        return self.check(field, value)

    @property
    def optional(self) -> Kind:
        return Kind(self.name, self.check, nullable=True, examples=self.examples)

    def __repr__(self) -> str:
        return f"<Kind {self.name}{' (optional)' if self.nullable else ''}>"


def checked(**kinds: Kind) -> Callable[[F], F]:
    """Check a method's arguments by kind before it runs (see the module docstring).

    Every parameter but ``self`` needs a kind; entries of a ``**changes``
    parameter are checked by the kind of the same name (the method decides
    which names it accepts). The kinds are kept on the method as ``__kinds__``.
    """

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        params = [p for p in signature.parameters.values() if p.name != "self"]
        var_kw = next((p.name for p in params if p.kind is p.VAR_KEYWORD), None)
        named = {p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        missing = sorted(named - set(kinds))
        if missing:
            raise TypeError(f"{func.__qualname__}: no kind declared for {', '.join(missing)}")
        if var_kw is None and set(kinds) - named:
            raise TypeError(f"{func.__qualname__}: kinds for unknown parameters "
                            f"{', '.join(sorted(set(kinds) - named))}")

        # Positional slots by index (``self`` included, with no kind); no Signature.bind per call:
        # a wrong call still fails as Python's own TypeError when ``func`` is called.
        slots = [p.name for p in signature.parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        positional = [(index, name, kinds[name]) for index, name in enumerate(slots) if name in kinds]

        def call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            if len(args) > 1:
                given = list(args)
                for index, name, kind in positional:
                    if index < len(given):
                        given[index] = kind(name, given[index])
                args = tuple(given)
            for key, value in kwargs.items():
                named_kind = kinds.get(key)
                if named_kind is not None:
                    kwargs[key] = named_kind(key, value)
            return func(*args, **kwargs)

        if len(slots) == 2 and len(positional) == 1 and positional[0][0] == 1:
            # A method of one argument (the hot lookups): ``(self, value)`` skips the general loop.
            _, only_name, only_kind = positional[0]

            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                if len(args) == 2 and not kwargs:
                    return func(args[0], only_kind(only_name, args[1]))
                return call(args, kwargs)
        else:
            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                return call(args, kwargs)

        wrapper.__kinds__ = dict(kinds)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


# --- the checks ---------------------------------------------------------------------------


def _show(value: Any, limit: int = 60) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _type_error(field: str, expected: str, value: Any) -> errors.InvalidValue:
    return errors.InvalidValue(f"{field} must be {expected}, not {type(value).__name__} {_show(value)}.",
                               field=field)


def _check_unicode(field: str, value: str) -> None:
    """Refuse text that is not valid Unicode (a lone surrogate cannot be stored by any driver)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise errors.InvalidValue(f"{field} is not valid Unicode text (it contains a lone surrogate).",
                                  field=field) from exc


def _check_characters(field: str, value: str, *, lines: bool) -> None:
    if "\x00" in value:
        raise errors.InvalidValue(f"{field} must not contain a NUL (\\x00) character.", field=field)
    _check_unicode(field, value)
    match = (_CONTROLS_BUT_LINES if lines else _CONTROLS).search(value)
    if match:
        raise errors.InvalidValue(
            f"{field} must not contain the control character U+{ord(match.group()):04X}.", field=field
        )


def text(field: str, value: Any, *, max_length: int, required: bool = True, lines: bool = False) -> str | None:
    """A storable string: a ``str`` of valid characters, trimmed, at most ``max_length`` long.

    ``lines`` allows tab, line feed and carriage return. A blank value is
    ``None``, which is ``REQUIRED_VALUE_MISSING`` when ``required``.
    """
    if value is None:
        if required:
            raise errors.RequiredValueMissing(f"{field} is required.", field=field)
        return None
    if not isinstance(value, str):
        raise _type_error(field, "a string", value)
    _check_characters(field, value, lines=lines)
    value = value.strip()
    if not value:
        if required:
            raise errors.RequiredValueMissing(f"{field} must not be empty.", field=field)
        return None
    if len(value) > max_length:
        raise errors.ValueTooLong(f"{field} is {len(value)} characters long; the limit is {max_length}.",
                                  field=field, limit=max_length)
    return value


def clip_text(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters without splitting a character.

    Python strings are sequences of code points, so no UTF-8 sequence is ever
    cut; the clip also backs off over combining marks, variation selectors and
    zero-width joiners, so an accented letter or an emoji sequence at the cut
    is dropped whole rather than left without its marks.
    """
    if len(value) <= limit:
        return value
    end = limit
    while end > 0 and _continues_cluster(value[end]):
        end -= 1
    if end > 0 and value[end - 1] == "\u200d":  # never end on a joiner
        end -= 1
    return value[:end].rstrip()


def _continues_cluster(char: str) -> bool:
    return (unicodedata.combining(char) != 0 or unicodedata.category(char) in ("Mn", "Me")
            or char == "\u200d" or "\ufe00" <= char <= "\ufe0f"
            or "\U0001f3fb" <= char <= "\U0001f3ff")  # skin-tone modifiers


def as_uuid(field: str, value: Any) -> uuid.UUID:
    """A UUID from a UUID, its (ASCII) text form or a row; anything else is ``INVALID_VALUE``."""
    if isinstance(value, peewee.Model):
        value = value.get_id()
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and len(value) <= 64 and value.isascii():
        try:
            return uuid.UUID(value.strip())
        except ValueError:
            pass
    raise errors.InvalidValue(f"{field} must be a UUID (or the row itself), not {_show(value)}.",
                              field=field)


def normalize_ip(field: str, value: Any) -> str | None:
    """An IPv4/IPv6 address in canonical text; ``None`` or blank gives ``None``."""
    address = text(field, value, max_length=64, required=False)
    if address is None:
        return None
    try:
        canonical = str(ipaddress.ip_address(address))
    except ValueError:
        canonical = ""
    if not canonical or len(canonical) > 45:
        raise errors.InvalidValue(f"{field} is not an IP address: {_show(address)}.", field=field)
    return canonical


def _user_agent(field: str, value: Any) -> str | None:
    if not isinstance(value, str):
        raise _type_error(field, "a string", value)
    _check_characters(field, value, lines=False)
    return clip_text(value.strip(), USER_AGENT_MAX_LENGTH) or None


def _flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise errors.InvalidValue(f"{field} must be True or False, not {_show(value)}.", field=field)
    return value


def _metadata(field: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _type_error(field, "a dict (a JSON object)", value)
    try:
        encoded = json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise errors.InvalidValue(f"{field} is not JSON-serialisable: {exc}", field=field) from exc
    if "\\u0000" in encoded:
        raise errors.InvalidValue(f"{field} must not contain a NUL (\\u0000) character.", field=field)
    _check_unicode(field, encoded)
    if len(encoded) > 65_535 // 4:
        raise errors.ValueTooLong(f"{field} is {len(encoded)} characters of JSON; the limit is 16383.",
                                  field=field, limit=65_535 // 4)
    loaded: dict[str, Any] = json.loads(encoded)
    return loaded


def int_in(low: int, high: int, name: str = "integer") -> Kind:
    """An ``int`` (never a ``bool``, ``float`` or string) with ``low <= value <= high``."""

    def check(field: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(field, "an integer", value)
        if not low <= value <= high:
            raise errors.InvalidValue(f"{field} must be between {low} and {high}, not {value}.", field=field)
        return value

    return Kind(name, check)


def _duration(field: str, value: Any) -> timedelta:
    if not isinstance(value, timedelta):
        raise _type_error(field, "a datetime.timedelta", value)
    if not timedelta(0) < value <= _MAX_DURATION:
        raise errors.InvalidValue(f"{field} must be positive and at most {_MAX_DURATION.days} days, "
                                  f"not {value}.", field=field)
    return value


def _datetime(field: str, value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise _type_error(field, "a datetime", value)
    if not 1970 <= value.year <= 9000:
        raise errors.InvalidValue(f"{field} must be between the years 1970 and 9000, not {value}.",
                                  field=field)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def choice(*options: str) -> Kind:
    """One of ``options`` exactly."""

    def check(field: str, value: Any) -> str:
        if not isinstance(value, str) or value not in options:
            raise errors.InvalidValue(
                f"{field} must be one of {', '.join(map(repr, options))}, not {_show(value)}.", field=field
            )
        return value

    return Kind("choice", check, examples=options)


def pattern(regex: re.Pattern[str], error: type[errors.ValidationError], hint: str,
            examples: tuple[str, ...] = ()) -> Kind:
    """A string matching ``regex`` whole (a bounded pattern), else ``error`` with ``hint``."""

    def check(field: str, value: Any) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value):
            raise error(f"Invalid {field} {_show(value)}: {hint}", field=field)
        return value

    return Kind("pattern", check, examples=examples)


def credential(error: type[errors.CredentialRejected] | None) -> Kind:
    """A presented token or code: any ``str`` up to 1024 characters, else ``error``.

    The method judges its shape, so a malformed credential and a wrong one
    get the same refusal. ``error=None`` (for yes/no questions such as
    ``is_trusted``) turns anything else into ``None``, "no credential".
    """

    def check(field: str, value: Any) -> str | None:
        if not isinstance(value, str) or len(value) > 1024:
            if error is None:
                return None
            raise error()
        return value

    return Kind("credential", check)


def _ids(field: str, value: Any) -> list[uuid.UUID]:
    if isinstance(value, (str, uuid.UUID, peewee.Model)):
        value = [value]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise _type_error(field, "a list of ids", value)
    items = list(value)
    if len(items) > _MAX_ITEMS:
        raise errors.InvalidValue(f"{field} lists {len(items)} ids; the limit is {_MAX_ITEMS}.", field=field)
    return list(dict.fromkeys(as_uuid(field, item) for item in items))


def _names(field: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise _type_error(field, "a list of names", value)
    items = list(value)
    if len(items) > _MAX_ITEMS:
        raise errors.InvalidValue(f"{field} lists {len(items)} names; the limit is {_MAX_ITEMS}.",
                                  field=field)
    result: dict[str, None] = {}
    for item in items:
        name = text(field, item, max_length=255, required=False)
        if name is not None:
            result[name] = None
    return list(result)


def _password(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "a string", value)
    _check_unicode(field, value)
    if len(value) > 4096:
        raise errors.ValueTooLong(f"{field} is {len(value)} characters long; the limit is 4096.",
                                  field=field, limit=4096)
    return value


def _text_kind(name: str, max_length: int, *, required: bool, lines: bool = False) -> Kind:
    return Kind(name, lambda field, value: text(field, value, max_length=max_length, required=required,
                                                 lines=lines))


#: An id: a UUID, its text or the row (``None`` refused; ``ID.optional`` allows it).
ID = Kind("id", as_uuid)
#: Ids of rows (e.g. roles): one id or an iterable of them, de-duplicated, at most 1000.
IDS = Kind("ids", _ids)
#: A required one-line name up to 255 characters (role, tenant, key, permission names).
NAME = _text_kind("name", 255, required=True)
#: A required one-line name up to 64 characters (guards, providers).
SHORT_NAME = _text_kind("short name", 64, required=True)
#: Names: one or an iterable of one-line names; trimmed, blanks dropped, duplicates removed.
NAMES = Kind("names", _names)
#: Optional free text up to 255 characters (descriptions, device names); tab and newlines allowed.
TEXT = _text_kind("text", 255, required=False, lines=True)
#: Optional free text up to :data:`LONG_TEXT_MAX_LENGTH` characters (TEXT columns).
LONG_TEXT = _text_kind("long text", LONG_TEXT_MAX_LENGTH, required=False, lines=True)
#: Optional one-line text up to 255 characters (device names, categories).
LINE = _text_kind("line", 255, required=False)
#: Optional one-line search text up to 255 characters (wildcards are literal in the query).
SEARCH = _text_kind("search", 255, required=False)
#: An email, normalised (:func:`~nestauth_peewee.normalize.normalize_email`); ``INVALID_EMAIL``.
EMAIL = Kind("email", lambda field, value: normalize_email(value))
#: A phone number, normalised (:func:`~nestauth_peewee.normalize.normalize_phone`); ``INVALID_PHONE``.
PHONE = Kind("phone", lambda field, value: normalize_phone(value))
#: A password as typed: a ``str`` of valid Unicode up to 4096 characters (the policy decides the rest).
PASSWORD = Kind("password", _password)
#: An IPv4/IPv6 address, stored canonical; blank is ``None``.
IP_ADDRESS = Kind("ip address", normalize_ip)
#: A user agent: one line, trimmed, clipped to 512 characters by :func:`clip_text`; blank is ``None``.
USER_AGENT = Kind("user agent", _user_agent, nullable=True)
#: ``True`` or ``False`` (not 0/1, not "yes").
FLAG = Kind("flag", _flag)
#: A JSON object (``None`` gives ``{}``): serialisable, no NaN, no NUL, valid Unicode.
METADATA = Kind("metadata", _metadata)
#: A 1-based page number, a page size (1..100), an offset (0..2**31-1).
PAGE = int_in(1, 1_000_000, "page")
LIMIT = int_in(1, 100, "limit")
OFFSET = int_in(0, MAX_OFFSET, "offset")
#: How many rows one clean-up statement deletes.
BATCH_SIZE = int_in(1, 1_000_000, "batch size")
#: A positive :class:`~datetime.timedelta` of at most ten years.
DURATION = Kind("duration", _duration)
#: A :class:`~datetime.datetime` between 1970 and 9000, returned aware in UTC (naive is taken as UTC).
DATETIME = Kind("datetime", _datetime)
