"""`nestauth check`: the drift check between a live database and the models."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import peewee
import pytest
from catalog_helpers import assert_same_catalog, catalog_diff
from click.testing import CliRunner
from support import drop_everything

import nestauth_peewee
from nestauth_peewee import NestAuthModels, create_tables
from nestauth_peewee.cli import main
from nestauth_peewee.schema.catalog import Column, ForeignKey, Index, Table, read_catalog
from nestauth_peewee.schema.check import check_schema, default_key, type_key
from nestauth_peewee.schema.snapshot import render_snapshot, split_statements


@pytest.fixture(autouse=True)
def _restore_binding():
    before = nestauth_peewee.database.obj
    yield
    nestauth_peewee.database.initialize(before)


def check_cli(url, *extra):
    return CliRunner().invoke(main, ["check", "--database", url, *extra])


def found(drift):
    return {(d.table, d.kind, d.name) for d in drift.differences}


def test_a_freshly_created_database_is_in_sync(empty_db, empty_db_url):
    create_tables()
    assert check_schema(db=empty_db).differences == []
    result = check_cli(empty_db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"In sync: the {len(NestAuthModels)} tables of the models match")


def test_a_dropped_column_index_and_table_are_reported_exactly_and_exit_1(empty_db, empty_db_url, dialect):
    create_tables()
    empty_db.execute_sql("DROP TABLE nest_auth_trusted_devices")
    empty_db.execute_sql("ALTER TABLE nest_auth_users DROP COLUMN mfa_recovery_code")
    on_table = " ON nest_auth_tenants" if dialect == "mysql" else ""
    empty_db.execute_sql(f"DROP INDEX nest_auth_tenants_slug_idx{on_table}")

    assert found(check_schema(db=empty_db)) == {
        ("nest_auth_trusted_devices", "missing table", "nest_auth_trusted_devices"),
        ("nest_auth_users", "missing column", "mfa_recovery_code"),
        ("nest_auth_tenants", "missing index", "nest_auth_tenants_slug_idx"),
    }
    result = check_cli(empty_db_url)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "  - nest_auth_users.mfa_recovery_code: column is missing",
        "  - nest_auth_trusted_devices: table is missing",
        "  - nest_auth_tenants: index nest_auth_tenants_slug_idx UNIQUE (slug) is missing",
    ]
    assert result.stdout.startswith("Drift: 3 difference(s) between ")


NOW_ELSEWHERE = {"postgres": "CURRENT_TIMESTAMP", "mysql": "CURRENT_TIMESTAMP(6)", "sqlite": "CURRENT_TIMESTAMP"}


def _tamper(statement: str, dialect: str) -> str:
    """Hand-written alterations a path-3 team could get wrong, one per kind of drift."""
    q = "`" if dialect == "mysql" else '"'

    def col(name: str) -> str:
        return f"{q}{name}{q}"

    if statement.startswith(f"CREATE TABLE {col('nest_auth_trusted_devices')}"):
        statement = statement.replace(f"{col('token_hash')} VARCHAR(128)", f"{col('token_hash')} VARCHAR(64)")
    if statement.startswith(f"CREATE TABLE {col('nest_auth_otps')}"):
        statement = statement.replace(f"{col('code_hash')} VARCHAR(128) NOT NULL", f"{col('code_hash')} VARCHAR(128)")
        statement = statement.replace("NOT NULL DEFAULT 0", "NOT NULL DEFAULT 5")
    if statement.startswith(f"CREATE TABLE {col('nest_auth_admin_users')}"):
        statement = re.sub(rf"({col('created_at')} [^,]* DEFAULT ).*?,\n", rf"\1{NOW_ELSEWHERE[dialect]},\n",
                           statement, count=1)
    if statement.startswith(f"CREATE TABLE {col('nest_auth_mfa_secrets')}"):
        statement = statement.replace(" ON DELETE CASCADE", "")
    if statement.startswith(f"CREATE TABLE {col('nest_auth_tenants')}"):
        statement = statement.replace(f"    {col('description')}", f"    {col('legacy_code')} VARCHAR(10),\n"
                                      f"    {col('description')}")
    if statement.startswith(f"CREATE UNIQUE INDEX {col('nest_auth_tenants_slug_idx')}"):
        statement = statement.replace("CREATE UNIQUE INDEX", "CREATE INDEX")
    return statement


def test_type_nullability_default_rule_uniqueness_and_extras_are_all_reported(empty_db, empty_db_url, dialect):
    statements = [_tamper(s, dialect) for s in split_statements(render_snapshot(dialect))]
    assert statements != split_statements(render_snapshot(dialect))
    for statement in statements:
        empty_db.execute_sql(statement)
    empty_db.execute_sql("CREATE INDEX nest_auth_tenants_name_extra ON nest_auth_tenants (name)")
    empty_db.execute_sql("CREATE TABLE nest_auth_legacy_tokens (id INTEGER PRIMARY KEY)")
    empty_db.execute_sql("CREATE TABLE app_unrelated (id INTEGER PRIMARY KEY)")  # not ours: ignored

    drift = check_schema(db=empty_db)
    assert found(drift) == {
        ("nest_auth_trusted_devices", "column differs", "token_hash"),
        ("nest_auth_otps", "column differs", "code_hash"),
        ("nest_auth_otps", "column differs", "attempts"),
        ("nest_auth_admin_users", "column differs", "created_at"),
        ("nest_auth_mfa_secrets", "foreign key differs", "user_id"),
        ("nest_auth_tenants", "extra column", "legacy_code"),
        ("nest_auth_tenants", "index differs", "nest_auth_tenants_slug_idx"),
        ("nest_auth_tenants", "extra index", "nest_auth_tenants_name_extra"),
        ("nest_auth_legacy_tokens", "extra table", "nest_auth_legacy_tokens"),
    }, drift.describe()
    lines = "\n".join(drift.describe())
    assert "nest_auth_trusted_devices.token_hash: type is varchar(64) in the database, varchar(128) in the models" \
        in lines
    assert "nest_auth_otps.code_hash: NULL in the database, NOT NULL in the models" in lines
    assert "nest_auth_otps.attempts: default is 5 in the database, 0 in the models" in lines
    assert "nest_auth_tenants: index nest_auth_tenants_slug_idx is (slug) in the database, UNIQUE (slug)" in lines
    assert "ON DELETE CASCADE in the models" in lines
    assert check_cli(empty_db_url).exit_code == 1


def test_app_models_are_checked_when_named_and_ignored_otherwise(empty_db, empty_db_url):
    from app_models import AppUser

    create_tables([*NestAuthModels, AppUser])
    assert check_cli(empty_db_url).exit_code == 0  # app_users is the app's business
    assert check_cli(empty_db_url, "--models", "app_models:AppUser").exit_code == 0
    empty_db.execute_sql("DROP TABLE app_users")
    result = check_cli(empty_db_url, "--models", "app_models:AppUser")
    assert result.exit_code == 1
    assert "  - app_users: table is missing" in result.stdout.splitlines()


def test_an_empty_database_reports_every_table_missing(empty_db):
    drop_everything(empty_db)
    drift = check_schema(db=empty_db)
    assert [d.kind for d in drift.differences] == ["missing table"] * len(NestAuthModels)


def test_check_with_a_bad_models_target_is_one_line_and_touches_no_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'never.db'}"
    result = CliRunner().invoke(main, ["check", "--database", url, "--models", "app_models:nothing"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "nestauth: CONFIGURATION_ERROR: Module 'app_models' has no attribute 'nothing' "
        "(from --models 'app_models:nothing')."
    ]
    assert not (tmp_path / "never.db").exists()


def test_check_against_an_unreachable_server_is_one_line():
    result = CliRunner().invoke(main, ["check", "--database", "postgresql://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


# --- normalisation of what servers report (forms not produced by the local servers) ----


def by_dialect(spellings: Mapping[str, Sequence[tuple[str | None, str]]]) -> list[tuple[str, str | None, str]]:
    """``(dialect, one spelling, another)`` for each pair listed under each dialect."""
    return [(dialect, a, b) for dialect, pairs in spellings.items() for a, b in pairs]


#: Type spellings that mean the same: the models' (or DDL's) and what a server reports.
SAME_TYPES = {
    "mysql": [
        ("INTEGER", "int(11)"),
        ("INTEGER", "int"),
        ("BOOL", "tinyint(1)"),
        ("JSON", "longtext"),
        ("BIGINT", "bigint(20)"),
        ("DECIMAL(10, 5)", "decimal(10,5)"),
    ],
    "postgres": [
        ("SERIAL", "integer"),
        ("VARCHAR(255)", "varchar(255)"),
        ("NUMERIC(10, 2)", "numeric"),
    ],
}

#: Type spellings that look alike but are other types: drift.
OTHER_TYPES = {
    "mysql": [
        ("DATETIME(6)", "datetime"),  # microseconds lost
        ("VARCHAR(40)", "char(32)"),
    ],
    "postgres": [
        ("VARCHAR(255)", "varchar(100)"),
        ("TIMESTAMP", "timestamp with time zone"),
    ],
}

#: Default spellings that mean the same: the models' (None: no default) and what a server reports.
SAME_DEFAULTS = {
    "postgres": [
        ("(now() AT TIME ZONE 'utc')", "timezone('utc'::text, now())"),
        ("'web'", "'web'::character varying"),
        ("'{}'", "'{}'::jsonb"),
        (None, "nextval('app_id_seq'::regclass)"),
    ],
    "mysql": [
        ("('{}')", "_utf8mb4\\'{}\\'"),  # MySQL 8's spelling of an expression default
        ("(UTC_TIMESTAMP(6))", "utc_timestamp(6)"),
        (None, "NULL"),
    ],
    "sqlite": [
        ("(strftime('%Y-%m-%d %H:%M:%f', 'now'))", "strftime('%Y-%m-%d %H:%M:%f', 'now')"),
    ],
}


@pytest.mark.parametrize("dialect,a,b", by_dialect(SAME_TYPES))
def test_type_spellings_that_mean_the_same_compare_equal(dialect, a, b):
    assert type_key(a, dialect) == type_key(b, dialect)


@pytest.mark.parametrize("dialect,a,b", by_dialect(OTHER_TYPES))
def test_type_spellings_that_differ_are_kept_apart(dialect, a, b):
    assert type_key(a, dialect) != type_key(b, dialect)


@pytest.mark.parametrize("dialect,written,reported", by_dialect(SAME_DEFAULTS))
def test_default_spellings_that_mean_the_same_compare_equal(dialect, written, reported):
    assert default_key(written, dialect) == default_key(reported, dialect)


def test_a_session_local_now_is_not_the_utc_now_the_models_want():
    assert default_key("CURRENT_TIMESTAMP", "postgres") != default_key("(now() AT TIME ZONE 'utc')", "postgres")
    assert default_key("current_timestamp(6)", "mysql") != default_key("(UTC_TIMESTAMP(6))", "mysql")
    assert default_key("'Web'", "sqlite") != default_key("'web'", "sqlite")


# --- the shared catalog comparison helper itself ------------------------------------------


def _table(**overrides):
    t = Table("t", columns={"id": Column("id", "uuid", False, None), "a": Column("a", "text", True, None)},
              indexes={"t_a": Index("t_a", ("a",), False)},
              foreign_keys={ForeignKey("a", "u", "id", "CASCADE")}, primary_key=("id",))
    for key, value in overrides.items():
        setattr(t, key, value)
    return t


def test_the_catalog_helper_lists_every_difference_one_per_line():
    a = {"t": _table(), "only_a": _table()}
    b = {"t": _table(columns={"id": Column("id", "uuid", False, None), "a": Column("a", "text", False, "'x'")},
                     indexes={"t_a": Index("t_a", ("a",), True)},
                     foreign_keys={ForeignKey("a", "u", "id", "NO ACTION")})}
    assert catalog_diff(a, b, ("left", "right")) == [
        "only_a: table only in left",
        "t.a: left has text NULL; right has text NOT NULL DEFAULT 'x'",
        "t: index t_a: left has Index(name='t_a', columns=('a',), unique=False); "
        "right has Index(name='t_a', columns=('a',), unique=True)",
        "t: foreign key only in left: ForeignKey(column='a', target_table='u', target_column='id', "
        "on_delete='CASCADE')",
        "t: foreign key only in right: ForeignKey(column='a', target_table='u', target_column='id', "
        "on_delete='NO ACTION')",
    ]
    with pytest.raises(AssertionError, match="5 difference"):
        assert_same_catalog(a, b, ("left", "right"))
    assert_same_catalog({"t": _table()}, {"t": _table()})
    reordered = _table(columns={"a": Column("a", "text", True, None), "id": Column("id", "uuid", False, None)})
    assert catalog_diff({"t": _table()}, {"t": reordered}) == []
    assert catalog_diff({"t": _table()}, {"t": reordered}, column_order=True) != []


# --- an app model with field types the nest-auth models do not use ------------------------


class Gadget(nestauth_peewee.AuthModel):
    id = peewee.AutoField()
    owner = peewee.ForeignKeyField(nestauth_peewee.User, null=True, backref="+")
    price = peewee.DecimalField(max_digits=10, decimal_places=2)
    serial = peewee.BigIntegerField(default=0, unique=True)
    small = peewee.SmallIntegerField(null=True)
    ratio = peewee.FloatField(null=True)
    precise = peewee.DoubleField(null=True)
    day = peewee.DateField(null=True)
    at = peewee.TimeField(null=True)
    flag = peewee.BooleanField(default=False)
    blob = peewee.BlobField(null=True)
    code = peewee.FixedCharField(max_length=3, null=True)
    note = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])

    class Meta:
        table_name = "app_gadgets"
        indexes = ((("price", "day"), False),)


class Bolt(nestauth_peewee.AuthModel):
    id = peewee.BigAutoField()
    gadget = peewee.ForeignKeyField(Gadget, on_delete="SET NULL", null=True, backref="+")

    class Meta:
        table_name = "app_bolts"


def test_app_models_with_other_field_types_are_in_sync_and_snapshot_alike(empty_db):
    create_tables([*NestAuthModels, Gadget, Bolt])
    assert check_schema([Gadget, Bolt], db=empty_db).describe() == []
    from_models = read_catalog(empty_db)
    drop_everything(empty_db)
    for statement in split_statements(render_snapshot(nestauth_peewee.dialect_of(empty_db), [Gadget, Bolt])):
        empty_db.execute_sql(statement)
    assert_same_catalog(from_models, read_catalog(empty_db), ("create_tables", "snapshot"), column_order=True)
    assert check_schema([Gadget, Bolt], db=empty_db).describe() == []
    empty_db.execute_sql("DROP TABLE app_bolts")
    assert [str(d) for d in check_schema([Gadget, Bolt], db=empty_db).differences] == ["app_bolts: table is missing"]
