"""An app's own profile table next to the nest-auth tables: the AppUser recipe.

docs/database-setup.md ("Your own tables next to ours") is the recipe this
file follows. Deriving from :class:`nestauth_peewee.AuthModel` binds the model
to the library's database (``init_database()`` binds it too; a plain
``peewee.Model`` would be unbound) and gives it, on MySQL/MariaDB, the table
options (InnoDB, utf8mb4) that a foreign key to ``nest_auth_users`` needs. The
primary key is the auth user's id, and deleting the user deletes the profile
through ON DELETE CASCADE. Its table, by each path::

    nestauth create-tables --models app_models:AppUser            # 1: create_tables([*NestAuthModels, AppUser])
    nestauth makemigrations create_app_users --models app_models:AppUser --directory app_migrations
    nestauth migrate && nestauth migrate --directory app_migrations   # 2
    nestauth sql postgres --models app_models:AppUser             # 3
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
