"""Repositories: the only place a query shape is written; no hashing, no events."""
