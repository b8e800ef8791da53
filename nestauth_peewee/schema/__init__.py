from .create import create_tables, drop_tables, sync_schema  # noqa: F401
