"""Normalisation of the contact values users type: email and phone.

The same functions run on writes and on lookups, so ``Bob@Example.COM `` and
``bob@example.com`` are one account everywhere::

    from nestauth_peewee.normalize import normalize_email, normalize_phone

    normalize_email("  Bob@Example.COM ")   # 'bob@example.com'
    normalize_email("   ")                   # None
    normalize_phone("+1 (555) 010-9999")     # '+15550109999'
    normalize_phone("555-CALL-NOW")          # raises errors.InvalidPhone

Every refusal is a typed error from :mod:`nestauth_peewee.errors` whose
message says what to fix; nothing here touches the database. The other
argument checks (text, ids, numbers) live in :mod:`nestauth_peewee.validation`,
whose ``EMAIL`` and ``PHONE`` kinds call these two.
"""

from __future__ import annotations

import re
from typing import Any

from . import errors

__all__ = [
    "normalize_email",
    "normalize_phone",
    "EMAIL_MAX_LENGTH",
    "PHONE_MIN_DIGITS",
    "PHONE_MAX_DIGITS",
]

#: RFC 5321 limits a forward path to 254 characters and a local part to 64.
EMAIL_MAX_LENGTH = 254
EMAIL_LOCAL_MAX_LENGTH = 64
#: E.164 numbers have at most 15 digits; fewer than 4 is never a phone number.
PHONE_MIN_DIGITS = 4
PHONE_MAX_DIGITS = 15

_PHONE_SEPARATORS = re.compile(r"[\s\-.()\[\]]+")
_PHONE_SHAPE = re.compile(r"\+?[0-9]+")
# One domain label: letters or digits (any script, for IDNs) and inner hyphens.
_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
# Characters never allowed in the local part: whitespace, controls, quotes, brackets.
_LOCAL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f\"(),:;<>@\[\\\]]")
# The common case in one match: an ASCII address every rule below accepts (a strict subset of
# them: dot-separated atoms before the @, LDH labels of at most 63 characters after it). Anything
# else takes the full checks, which give the precise error.
_PLAIN_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"{_PLAIN_ATOM}(?:\.{_PLAIN_ATOM})*@{_PLAIN_LABEL}(?:\.{_PLAIN_LABEL})+")


def normalize_email(value: Any) -> str | None:
    """Trimmed, lower-cased, syntax-checked email; ``None`` for none or blank.

    Raises :class:`~nestauth_peewee.errors.InvalidEmail` for anything that is
    not a plausible ``local@domain.tld`` address.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.InvalidEmail(f"The email must be a string, not {type(value).__name__}.")
    email = value.strip().lower()
    if (len(email) <= EMAIL_MAX_LENGTH and _PLAIN_EMAIL.fullmatch(email)
            and email.index("@") <= EMAIL_LOCAL_MAX_LENGTH):
        return email  # on every login: one regex instead of the checks below
    return _checked_email(value)


def _checked_email(value: str) -> str | None:
    """:func:`normalize_email` by the individual rules (each with its own message)."""
    if "\x00" in value:
        raise errors.InvalidEmail("The email must not contain a NUL (\\x00) character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise errors.InvalidEmail("The email is not valid Unicode text.") from exc
    email = value.strip().lower()
    if not email:
        return None
    if len(email) > EMAIL_MAX_LENGTH:
        raise errors.InvalidEmail(
            f"The email is {len(email)} characters long; an address has at most {EMAIL_MAX_LENGTH}."
        )
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise errors.InvalidEmail(f"{_show(email)} is not an email address: use name@example.com.")
    if len(local) > EMAIL_LOCAL_MAX_LENGTH:
        raise errors.InvalidEmail(
            f"The part before @ is {len(local)} characters long; the limit is {EMAIL_LOCAL_MAX_LENGTH}."
        )
    if _LOCAL_FORBIDDEN.search(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise errors.InvalidEmail(
            f"The part before @ in {_show(email)} has a character or dot placement an address cannot "
            "have (spaces, quotes, brackets, a second @, a leading/trailing or double dot)."
        )
    labels = domain.split(".")
    if len(labels) < 2 or not all(len(label) <= 63 and _LABEL.fullmatch(label) for label in labels):
        raise errors.InvalidEmail(
            f"The domain of {_show(email)} is not valid: use letters, digits and hyphens in "
            "dot-separated parts, with a top-level domain (example.com)."
        )
    return email


def normalize_phone(value: Any) -> str | None:
    """Phone with whitespace, dashes, dots and brackets removed; ``None`` for none or blank.

    The result is an optional ``+`` and 4 to 15 ASCII digits, else
    :class:`~nestauth_peewee.errors.InvalidPhone`.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.InvalidPhone(f"The phone number must be a string, not {type(value).__name__}.")
    if "\x00" in value:
        raise errors.InvalidPhone("The phone number must not contain a NUL (\\x00) character.")
    phone = _PHONE_SEPARATORS.sub("", value)
    if not phone:
        return None
    if not _PHONE_SHAPE.fullmatch(phone):
        raise errors.InvalidPhone(
            f"{_show(value)} is not a phone number: use digits 0-9 with an optional leading + "
            "(spaces, dashes, dots and brackets are ignored; letters are not allowed)."
        )
    digits = len(phone.lstrip("+"))
    if not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise errors.InvalidPhone(
            f"A phone number has {PHONE_MIN_DIGITS} to {PHONE_MAX_DIGITS} digits; this one has {digits}."
        )
    return phone


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"
