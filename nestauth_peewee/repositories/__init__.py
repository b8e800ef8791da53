"""Repositories: the only place a query shape is written; no hashing, no events."""

from ._prepared import text_of

__all__ = ["text_of"]
