"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

Ciphertext is stored as text ``v1:<base64(nonce || ciphertext)>`` so a key rotation
can add ``v2`` without a schema change. The blind index lets us find a person by an
exact ID number or phone without decrypting anything.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    return AESGCM(base64.b64decode(key_b64))


def encrypt(plaintext: str | None) -> str:
    if not plaintext:
        return ""
    nonce = os.urandom(12)
    sealed = _aead(settings.WANGGE_FIELD_KEY).encrypt(nonce, plaintext.encode(), b"wangge")
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str | None) -> str:
    if not token:
        return ""
    version, _, body = token.partition(":")
    if version != "v1":
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(body)
    return _aead(settings.WANGGE_FIELD_KEY).decrypt(raw[:12], raw[12:], b"wangge").decode()


def blind_index(value: str | None, *, purpose: str) -> str:
    """Deterministic keyed digest of a normalised value; purpose separates domains."""
    if not value:
        return ""
    key = base64.b64decode(settings.WANGGE_BLIND_INDEX_KEY)
    message = f"{purpose}:{value.strip().upper()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
