"""The ``nestauth`` command line.

Every command takes ``--database URL`` (default: ``$DATABASE_URL``, then
``sqlite:///nestauth.db``) and fails on bad input with one readable line and a
non-zero exit code, never a traceback::

    nestauth create-tables
    nestauth --help

Commands live in one module per concern (``schema`` here); each registers
itself on :data:`main`.
"""

from __future__ import annotations

from .base import main

# Importing the command modules registers their commands on ``main``.
from . import schema  # noqa: E402,F401  isort: skip
from . import sql  # noqa: E402,F401  isort: skip
from . import migrate  # noqa: E402,F401  isort: skip
from . import seed  # noqa: E402,F401  isort: skip
from . import accounts  # noqa: E402,F401  isort: skip
from . import tenancy  # noqa: E402,F401  isort: skip
from . import cleanup  # noqa: E402,F401  isort: skip
from . import screening  # noqa: E402,F401  isort: skip
from . import audit  # noqa: E402,F401  isort: skip

__all__ = ["main"]
