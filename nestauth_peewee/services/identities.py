"""Identity operations of :class:`~nestauth_peewee.services.users.UserService`.

An identity links a provider account (``github`` / ``583231``) to a user;
(provider, provider id) is unique, so one provider account belongs to one
user at most (``IDENTITY_ALREADY_LINKED``)::

    users.link_identity(bob.id, "github", "583231")
    users.get_by_identity("github", "583231")        # bob
    users.unlink_identity(bob.id, "github")

The ``email`` and ``phone`` identities follow the user's columns and are kept
by the service itself (create / update), not through these methods.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from .. import errors, events
from ..models import Identity, User
from ..normalize import normalize_email
from ..repositories import identities as identities_repo
from ..unit_of_work import emit, retry_on_conflict, transaction
from ..validation import ID, METADATA, Kind, checked, text
from .blocked_domains import ensure_allowed

__all__ = ["IdentityOperations", "EMAIL_PROVIDER", "PHONE_PROVIDER"]

#: Provider names of the identities the service maintains itself.
EMAIL_PROVIDER = "email"
PHONE_PROVIDER = "phone"
_RESERVED_PROVIDERS = (EMAIL_PROVIDER, PHONE_PROVIDER)


def _provider(field: str, value: Any) -> str:
    return str(text(field, value, max_length=64)).lower()


def _linked_provider(field: str, value: Any) -> str:
    provider = _provider(field, value)
    if provider in _RESERVED_PROVIDERS:
        raise errors.InvalidValue(
            f"The {provider!r} identity follows the user's {provider}; change it with update().",
            field=field,
        )
    return provider


#: A provider name (``github``): one line, up to 64 characters, lower-cased.
PROVIDER = Kind("provider", _provider)
#: A provider this mixin links (not ``email``/``phone``, which follow the user's columns).
LINKED_PROVIDER = Kind("linked provider", _linked_provider)
#: The account id at the provider: one line, up to 255 characters.
PROVIDER_ID = Kind("provider id", lambda field, value: text(field, value, max_length=255))


class IdentityOperations:
    """Mixin: link, unlink and look up provider identities."""

    def _require(self, uid: uuid.UUID) -> User:  # provided by UserService
        raise NotImplementedError

    def get(self, user_id: Any) -> User:  # provided by UserService
        raise NotImplementedError

    # --- identities --------------------------------------------------------------------

    @checked(user_id=ID, provider=LINKED_PROVIDER, provider_id=PROVIDER_ID, metadata=METADATA)
    @retry_on_conflict
    def link_identity(
        self,
        user_id: uuid.UUID | str | User,
        provider: str,
        provider_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> Identity:
        """Link a provider account (``github``, ``583231``) to the user; idempotent for the same user.

        Linked to another user already: ``IDENTITY_ALREADY_LINKED``. The
        ``email`` and ``phone`` providers are kept by the service itself. An
        identity whose ``provider_id`` is an email address, or whose
        ``metadata["email"]`` is one, of a blocked domain is
        ``EMAIL_DOMAIN_BLOCKED``. Emits ``identity_linked``.
        """
        uid, provider_n, pid, meta = cast(uuid.UUID, user_id), provider, provider_id, metadata
        for candidate in (pid, (meta or {}).get("email")):
            ensure_allowed(_as_email(candidate))
        with transaction():
            self._require(uid)
            existing = identities_repo.get(provider_n, pid)
            if existing is not None and existing.user_id == uid:
                return existing
            identity = identities_repo.insert(uid, provider_n, pid, meta)
            emit(events.identity_linked, self, user_id=uid, provider=provider_n, provider_id=pid)
        return identity

    @checked(user_id=ID, provider=LINKED_PROVIDER, provider_id=PROVIDER_ID.optional)
    @retry_on_conflict
    def unlink_identity(
        self, user_id: uuid.UUID | str | User, provider: str, provider_id: str | None = None
    ) -> int:
        """Remove the user's identities of ``provider`` (just ``provider_id`` when given).

        Returns how many were removed; none: ``IDENTITY_NOT_FOUND``. Emits
        ``identity_unlinked``.
        """
        uid, provider_n, pid = cast(uuid.UUID, user_id), provider, provider_id
        with transaction():
            self._require(uid)
            removed = identities_repo.delete(uid, provider_n, pid)
            if removed == 0:
                raise errors.IdentityNotFound(
                    f"The user has no {provider_n!r} identity" + (f" with id {pid!r}." if pid else "."),
                )
            emit(events.identity_unlinked, self, user_id=uid, provider=provider_n, provider_id=pid)
        return removed

    @checked(provider=PROVIDER, provider_id=PROVIDER_ID)
    def get_by_identity(self, provider: str, provider_id: str) -> User:
        """The user linked to (provider, provider id), else ``USER_NOT_FOUND``."""
        provider_n = provider
        user = identities_repo.find_user(provider, provider_id)
        if user is None:
            raise errors.UserNotFound(f"No user is linked to this {provider_n!r} account.")
        return user

    @checked(user_id=ID)
    def identities(self, user_id: uuid.UUID | str | User) -> list[Identity]:
        """The user's identities, oldest first."""
        return identities_repo.for_user(self.get(user_id).id)


def _as_email(value: Any) -> str | None:
    """``value`` as a normalised email address, or None when it is not one."""
    if not isinstance(value, str) or "@" not in value:
        return None
    try:
        return normalize_email(value)
    except errors.InvalidEmail:
        return None
