"""How recovery codes are shaped and how their digests fit in one varchar(255) column.

A code is 28 characters from the 31-symbol unambiguous alphabet (138 bits),
shown as seven groups of four (``ABCD-EFGH-...``); input is accepted with or
without dashes and spaces, in any case.

Each code is one row of ``nest_auth_mfa_recovery_codes``; its ``code_hash`` is::

    base64url(first 96 bits of HMAC-SHA256(app key, user id, code))    # 16 characters

the digest 0.1 packed into ``nest_auth_users.mfa_recovery_code``
(``r1:<d1>,<d2>,...``), so migration 003 moves those into rows unchanged and a
code issued by 0.1 keeps working. Truncating the HMAC to 96 bits costs nothing
that matters: the codes carry 138 bits, a guess must be checked online, and
without the app key a dump gives no way to test a guess at all.

:data:`MAX_CODES` (14) is how many digests fit in 0.1's column: the rollback
of migration 003 packs the unused codes back into it.
"""

from __future__ import annotations

import re

from .. import secrets as tokens

__all__ = ["CODE_LENGTH", "MAX_CODES", "new_code", "normalise"]

CODE_LENGTH = 28
_GROUP = 4
_PREFIX = "r1:"
_DIGEST_CHARS = 16  # 12 bytes of HMAC, base64url
_COLUMN = 255
#: The most codes whose digests fit in 0.1's packed column (for the rollback of migration 003).
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
