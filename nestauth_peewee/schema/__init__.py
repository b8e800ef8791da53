from .check import check_schema  # noqa: F401
from .create import create_tables, drop_tables, sync_schema  # noqa: F401
from .snapshot import render_snapshot  # noqa: F401
