"""An app's own profile table next to the nest-auth tables (the seed's AppUser).

The profile's primary key is the auth user's id, and deleting the auth user
deletes the profile through the database's ON DELETE CASCADE. Deriving from
:class:`nestauth_peewee.AuthModel` shares the nest-auth database binding and,
on MySQL/MariaDB, the table options (InnoDB, utf8mb4) that a foreign key to
``nest_auth_users`` needs: a table in another character set cannot reference
it (MariaDB error 150)::

    from nestauth_peewee import NestAuthModels, init_database, create_tables
    from app_models import AppUser

    init_database("sqlite:///app.db")
    create_tables([*NestAuthModels, AppUser])
"""

from __future__ import annotations

import peewee

from nestauth_peewee import AuthModel, User


class AppUser(AuthModel):
    """The application's side of a user: whatever the app needs beyond auth."""

    user = peewee.ForeignKeyField(
        User, primary_key=True, column_name="user_id", on_delete="CASCADE", backref="profile"
    )
    display_name = peewee.CharField(max_length=100)
    locale = peewee.CharField(max_length=16, default="en")

    class Meta:
        table_name = "app_users"
