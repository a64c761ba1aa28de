"""Username and password rules, enforced before anything is written."""

from __future__ import annotations

import pytest

from fedinet.services.accounts import normalise_username
from fedinet.services.errors import InvalidInput
from fedinet.services.passwords import check_password_rules, hash_password, verify_password


@pytest.mark.parametrize("name", ["alice", "Alice", "@alice", "a_1", "x" * 30])
def test_valid_usernames(name: str) -> None:
    assert normalise_username(name) == name.lstrip("@").lower()


@pytest.mark.parametrize("name", ["", "a b", "alice@host", "x" * 31, "ali-ce", "élise", "../etc"])
def test_invalid_usernames(name: str) -> None:
    with pytest.raises(InvalidInput, match="invalid username"):
        normalise_username(name)


def test_password_rules() -> None:
    with pytest.raises(InvalidInput, match="at least 8"):
        check_password_rules("short")
    with pytest.raises(InvalidInput, match="at most 256"):
        check_password_rules("x" * 257)


async def test_argon2id_hash_and_verify() -> None:
    hashed = await hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert await verify_password(hashed, "correct horse")
    assert not await verify_password(hashed, "wrong horse")
    assert not await verify_password("not a hash", "correct horse")
