"""Passwords: the length rule, Argon2id hashes checked in constant time (a dummy hash for
unknown names) and one-time passwords for new and reset accounts.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gis._errors import ValidationError

PASSWORD_MIN_LENGTH = 10


_HASHER = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)


#: Verified against when the user name is unknown, so a wrong name takes as long as a
#: wrong password (no telling which names exist from the time an answer takes).
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


# --------------------------------------------------------------------- passwords
def password_problem(password: str, username: str = "") -> str | None:
    """The message key of the first rule ``password`` breaks, or ``None``."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return "password_too_short"
    classes = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    if sum(classes) < 3:
        return "password_too_simple"
    if username and username.lower() in password.lower():
        return "password_has_username"
    return None


def check_password(password: str, username: str = "") -> None:
    problem = password_problem(password, username)
    if problem:
        raise ValidationError(problem, min=PASSWORD_MIN_LENGTH)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    """A random password that meets the rule, easy to read out: ``Abcd-efgh-2345-WXYZ``."""
    letters = "abcdefghjkmnpqrstuvwxyz"
    alphabet = letters + letters.upper() + "23456789"
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
        password = "-".join(groups)
        if password_problem(password) is None and sum(c.isdigit() for c in password) >= 1:
            if any(c.isupper() for c in password) and any(c.islower() for c in password):
                return password
