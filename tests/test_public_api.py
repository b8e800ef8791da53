"""The package face: what ``__all__`` offers, and the 0.1 names kept for one release."""

from __future__ import annotations

import pytest

import nestauth_peewee
from nestauth_peewee import Argon2Params, Membership, MembershipRole, Settings, StaffAccess, StaffAccessRole


def test_every_name_in_all_resolves_and_internals_stay_out():
    for name in nestauth_peewee.__all__:
        assert getattr(nestauth_peewee, name) is not None, name
    for internal in ("database", "dialect_of", "get_database", "OTP_TYPES"):
        assert internal not in nestauth_peewee.__all__


@pytest.mark.parametrize(("old", "new"), [
    ("UserAccess", Membership),
    ("UserAccessRole", MembershipRole),
    ("PlatformAccess", StaffAccess),
    ("PlatformAccessRole", StaffAccessRole),
    ("PasswordParams", Argon2Params),
])
def test_a_deprecated_name_still_works_and_warns(old, new):
    with pytest.warns(DeprecationWarning, match=old):
        assert getattr(nestauth_peewee, old) is new
    assert old not in nestauth_peewee.__all__


def test_settings_password_is_the_deprecated_spelling_of_argon2():
    cheap = Argon2Params(memory_cost=1024, time_cost=1, parallelism=1)
    with pytest.warns(DeprecationWarning, match="argon2"):
        settings = Settings(password=cheap)
    assert settings.argon2 == cheap
    assert Settings(argon2=cheap).argon2 == cheap
    assert Settings().argon2 == Argon2Params()


def test_an_unknown_attribute_is_still_an_attribute_error():
    with pytest.raises(AttributeError):
        nestauth_peewee.NoSuchThing  # noqa: B018


def test_one_version_everywhere():
    from importlib.metadata import version

    from nestauth_peewee.version import __version__

    assert nestauth_peewee.__version__ == __version__ == version("nestauth-peewee")
