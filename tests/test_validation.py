"""The input boundary (:mod:`nestauth_peewee.validation`): kinds, ``@checked``, the clip rule."""

from __future__ import annotations

import textwrap
import uuid
from datetime import timedelta

import pytest

from nestauth_peewee import errors, validation
from nestauth_peewee.validation import (
    DURATION,
    FLAG,
    ID,
    IDS,
    IP_ADDRESS,
    LIMIT,
    NAME,
    NAMES,
    OFFSET,
    SEARCH,
    TEXT,
    UNSET,
    USER_AGENT,
    checked,
    clip_text,
)


def test_the_module_example_runs() -> None:
    block = (validation.__doc__ or "").split("::\n", 1)[1].split("\n\n:func:", 1)[0]
    exec(textwrap.dedent(block), {})  # noqa: S102 - the module's own documented example


def test_checked_refuses_a_parameter_without_a_kind() -> None:
    with pytest.raises(TypeError, match="no kind declared for body"):
        @checked(title=NAME)
        def add(self: object, title: str, body: str) -> None: ...


def test_checked_refuses_a_kind_for_an_unknown_parameter() -> None:
    with pytest.raises(TypeError, match="unknown parameters bodyy"):
        @checked(title=NAME, bodyy=TEXT)
        def add(self: object, title: str) -> None: ...


class _Notes:
    @checked(owner=ID, title=NAME, body=TEXT.optional, changes=NAME)
    def add(self, owner: object, title: object, body: object = None, **changes: object) -> tuple:
        return owner, title, body, changes


def test_checked_cleans_given_arguments_and_keyword_entries() -> None:
    owner = uuid.uuid4()
    got = _Notes().add(str(owner), " t ", title2="x")
    assert got == (owner, "t", None, {"title2": "x"})


def test_unset_and_defaults_pass_through() -> None:
    assert NAME("name", UNSET) is UNSET
    assert _Notes().add(uuid.uuid4(), "t")[2] is None


@pytest.mark.parametrize("value", [b"x", 12345, 1.5, ["a"], {"a": 1}, True])
def test_text_refuses_non_strings_instead_of_str(value: object) -> None:
    with pytest.raises(errors.InvalidValue) as info:
        TEXT("description", value)
    assert info.value.details["field"] == "description"


@pytest.mark.parametrize("value", ["a\x00b", "a\ud800b", "a\udfffb", "a\x1bb", "a\x85b", "a\x7fb"])
def test_names_refuse_nul_surrogates_and_controls(value: str) -> None:
    with pytest.raises(errors.InvalidValue):
        NAME("name", value)


def test_free_text_allows_line_breaks_and_tabs() -> None:
    assert TEXT("description", "one\n\ttwo\r\n") == "one\n\ttwo"


def test_overlong_is_refused_not_cut() -> None:
    with pytest.raises(errors.ValueTooLong) as info:
        NAME("name", "x" * 256)
    assert info.value.details["limit"] == 255
    assert NAME("name", "é" * 255) == "é" * 255


@pytest.mark.parametrize("value", [12345, b"00000000000000000000000000000000", True, [uuid.uuid4()],
                                   "not-a-uuid", "١" * 32, None, 2**63])
def test_ids_refuse_anything_but_a_uuid(value: object) -> None:
    with pytest.raises(errors.InvalidValue):
        ID("user_id", value)


def test_ids_accept_text_uuid_and_the_row() -> None:
    u = uuid.uuid4()
    assert ID("x", str(u)) == u == ID("x", u.hex)
    assert IDS("roles", [u, str(u)]) == [u]
    with pytest.raises(errors.InvalidValue):
        IDS("roles", 0)


def test_names_lists() -> None:
    assert NAMES("permissions", ["a", " a ", "", "b"]) == ["a", "b"]
    assert NAMES("permissions", "a") == ["a"]
    for bad in (0, b"ab", {"a": 1}, [1], ["a\ud800"]):
        with pytest.raises(errors.InvalidValue):
            NAMES("permissions", bad)


@pytest.mark.parametrize("kind,value", [(LIMIT, 0), (LIMIT, 101), (LIMIT, True), (LIMIT, "5"),
                                        (OFFSET, -1), (OFFSET, 2**63), (OFFSET, 1.0)])
def test_integers_in_range(kind: validation.Kind, value: object) -> None:
    with pytest.raises(errors.InvalidValue):
        kind("offset", value)


@pytest.mark.parametrize("value", [timedelta(0), timedelta(seconds=-1), " ", 30, timedelta.max])
def test_durations_are_positive_timedeltas(value: object) -> None:
    with pytest.raises(errors.InvalidValue):
        DURATION("validity", value)


def test_flags_are_bools() -> None:
    assert FLAG("f", False) is False
    for bad in (0, 1, "true", None):
        with pytest.raises(errors.InvalidValue):
            FLAG("f", bad)


def test_ip_addresses() -> None:
    assert IP_ADDRESS("ip_address", " 2001:DB8::1 ") == "2001:db8::1"
    assert IP_ADDRESS("ip_address", "") is None
    with pytest.raises(errors.ValueTooLong):
        IP_ADDRESS("ip_address", "1" * 65)
    for bad in (12345, "999.1.1.1", "fe80::1%" + "x" * 40, "1.2.3.4\x00"):
        with pytest.raises(errors.InvalidValue):
            IP_ADDRESS("ip_address", bad)


def test_search_is_one_line_text() -> None:
    assert SEARCH("search", "  ") is None
    for bad in (b"x", 12345, "a\nb"):
        with pytest.raises(errors.InvalidValue):
            SEARCH("search", bad)


class TestUserAgentClip:
    def test_long_user_agents_are_clipped_to_512(self) -> None:
        assert USER_AGENT("user_agent", "a" * 600) == "a" * 512

    def test_the_clip_never_splits_a_character(self) -> None:
        accented = "e\u0301"  # e + combining acute: one character on screen
        ua = "a" * 511 + accented
        clipped = USER_AGENT("user_agent", ua)
        assert clipped == "a" * 511  # the whole é goes, not just its accent
        family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
        clipped = clip_text("a" * 509 + family, 512)
        assert not clipped.endswith("\u200d")
        assert len(clipped) <= 512 and clipped.encode("utf-8")

    def test_user_agents_refuse_what_any_text_refuses(self) -> None:
        for bad in ("a\x00", "a\ud800", 5, b"curl", "a\nb"):
            with pytest.raises(errors.InvalidValue):
                USER_AGENT("user_agent", bad)

    def test_short_and_blank(self) -> None:
        assert USER_AGENT("user_agent", "  curl/8  ") == "curl/8"
        assert USER_AGENT("user_agent", " ") is None
        assert USER_AGENT("user_agent", None) is None
