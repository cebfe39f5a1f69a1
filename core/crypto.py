"""Encryption at rest and keyed hashing for personal data (national ID, phone)."""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(label: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"partylife-pii", info=label)
    return hkdf.derive(settings.SECRET_KEY.encode())


@cache
def _fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS or [base64.urlsafe_b64encode(_derive(b"field-encryption")).decode()]
    return MultiFernet([Fernet(key) for key in keys])


@cache
def _hash_key() -> bytes:
    return settings.PII_HASH_KEY.encode() if settings.PII_HASH_KEY else _derive(b"pii-hash")


def reset_key_cache() -> None:
    """Forget derived keys (tests that change the key settings call this)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or a damaged row: never echo the value
        raise ValueError("encrypted value cannot be decrypted with the configured keys") from exc


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalized value: equal inputs give equal hashes, the key keeps it unguessable."""
    return hmac.new(_hash_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()
