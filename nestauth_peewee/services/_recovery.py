"""How recovery codes are shaped and how their digests fit in one varchar(255) column.

A code is 28 characters from the 31-symbol unambiguous alphabet (138 bits),
shown as seven groups of four (``ABCD-EFGH-...``); input is accepted with or
without dashes and spaces, in any case.

``nest_auth_users.mfa_recovery_code`` holds, for the unused codes only::

    r1:<d1>,<d2>,...        each d = base64url(first 96 bits of HMAC-SHA256(app key, user id, code))

16 characters per code: 10 codes take 172 characters, and at most 14 fit.
Truncating the HMAC to 96 bits costs nothing that matters: the codes carry
138 bits, a guess must be checked online against the live column, and without
the app key a dump gives no way to test a guess at all.
"""

from __future__ import annotations

import hmac
import re

from .. import secrets as tokens

__all__ = ["CODE_LENGTH", "MAX_CODES", "new_code", "normalise", "pack", "unpack", "find"]

CODE_LENGTH = 28
_GROUP = 4
_PREFIX = "r1:"
_DIGEST_CHARS = 16  # 12 bytes of HMAC, base64url
_COLUMN = 255
#: The most codes whose digests fit in the column.
MAX_CODES = (_COLUMN - len(_PREFIX) + 1) // (_DIGEST_CHARS + 1)
_SEPARATORS = re.compile(r"[\s-]+")
_ALPHABET = frozenset(tokens.UNAMBIGUOUS)
PURPOSE = "recovery-code"


def new_code() -> str:
    """A fresh code, grouped for reading: ``XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX``."""
    raw = tokens.random_code(CODE_LENGTH, tokens.UNAMBIGUOUS)
    return "-".join(raw[i:i + _GROUP] for i in range(0, CODE_LENGTH, _GROUP))


def normalise(code: object) -> str | None:
    """The bare 28 characters of a presented code, or None if it cannot be one."""
    if not isinstance(code, str) or len(code) > 4 * CODE_LENGTH:
        return None
    bare = _SEPARATORS.sub("", code).upper()
    if len(bare) != CODE_LENGTH or not _ALPHABET.issuperset(bare):
        return None
    return bare


def pack(digests: list[str]) -> str | None:
    """The column value for these digests (None when there are none left)."""
    return _PREFIX + ",".join(digests) if digests else None


def unpack(value: str | None) -> list[str]:
    """The digests stored in the column (an unknown format counts as none)."""
    if not value or not value.startswith(_PREFIX):
        return []
    return [d for d in value[len(_PREFIX):].split(",") if len(d) == _DIGEST_CHARS]


def find(presented: str, stored: list[str]) -> int | None:
    """Index of ``presented`` in ``stored``, comparing against every entry in constant time."""
    found = None
    for index, digest in enumerate(stored):
        if hmac.compare_digest(presented.encode(), digest.encode()) and found is None:
            found = index
    return found
