"""Encryption at rest of SNMP secrets: Fernet, keyed from SECRET_KEY by HKDF."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    # A derived key, so the raw SECRET_KEY is never used directly as a cipher key.
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"civicdesk-snmp", info=b"snmp-secrets"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(plain: str) -> str:
    """The ciphertext (text) of a secret; empty stays empty."""
    if not plain:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(plain.encode()).decode()


def decrypt_secret(token: str) -> str:
    """The plain secret, or "" if it cannot be read (SECRET_KEY changed)."""
    if not token:
        return ""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
