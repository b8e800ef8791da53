"""peewee-migrate settings for the nestauth-peewee migrations in this directory.

Read by `pw_migrate ... --directory nestauth_peewee/migrations`. The history goes to the library's
own table, so an application's peewee-migrate history ("migratehistory") stays
apart. Do not set DATABASE here: it would silently override --database.
"""

MIGRATE_TABLE = "nestauth_migrate_history"
