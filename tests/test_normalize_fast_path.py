"""The one-regex fast path of normalize_email gives exactly what the full rules give."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nestauth_peewee import errors
from nestauth_peewee.normalize import _checked_email, normalize_email

_ATOM = st.text(alphabet="abcXYZ019.!#$%&'*+/=?^_`{|}~-@ \t\"(),:;<>[]\\\x00\u212aé", min_size=0, max_size=12)


def _outcome(fn, value):
    try:
        return ("ok", fn(value))
    except errors.InvalidEmail:
        return ("invalid",)


@settings(max_examples=400, deadline=None)
@given(local=_ATOM, domain=_ATOM, pad=st.sampled_from(["", " ", "\t", "  \n"]))
@example(local="\u212aate", domain="example.com", pad="")      # Kelvin sign lower-cases to ASCII k
@example(local="a" * 64, domain="example.com", pad=" ")
@example(local="a" * 65, domain="example.com", pad="")
@example(local="a", domain=("b" * 63 + ".") * 3 + "com", pad="")
@example(local="a", domain="x_y.com", pad="")
def test_fast_path_agrees_with_the_full_rules(local, domain, pad):
    value = f"{pad}{local}@{domain}{pad}"
    assert _outcome(normalize_email, value) == _outcome(_checked_email, value)


@pytest.mark.parametrize("raw", ["a@b.co", " Bob@Example.COM ", "x.y+tag@sub-domain.example.org"])
def test_common_addresses_normalise_as_before(raw):
    assert normalize_email(raw) == _checked_email(raw) == raw.strip().lower()
