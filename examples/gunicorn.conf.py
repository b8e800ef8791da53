"""gunicorn settings for the example apps (and a starting point for yours): docs/deploying.md.

    NESTAUTH_SECRET_KEY=... DATABASE_URL=postgresql+pool://app@db/app \\
        gunicorn -c examples/gunicorn.conf.py 'nestauth_peewee.examples.flask_app:create_app()'
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# One process per core: argon2id hashing is CPU work (it releases the GIL, so threads help too).
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
# With threads > 1 gunicorn uses its gthread worker; size each worker's pool to its threads.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Import the app (and run its start-up: create_tables, permission registry) once, in the master.
preload_app = True


def pre_fork(server, worker):
    """The master ran the app's start-up: close its connections so no worker inherits one.

    A pooled database keeps a closed connection in its pool, and peewee's pools do
    not notice a fork: two workers would then talk over one socket.
    """
    from nestauth_peewee import database

    db = database.obj
    if db is None:
        return
    if hasattr(db, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()
