"""User text and tokens as the case code stores and accepts them."""

TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def clean_text(value) -> str:
    """User text as stored: a string, trimmed, without NUL characters (which PostgreSQL
    text columns refuse)."""
    return str(value or "").replace("\x00", "").strip()


def is_token_shaped(token) -> bool:
    """Whether ``token`` could be a tracking token at all (checked before any lookup)."""
    return isinstance(token, str) and 0 < len(token) <= 32 and set(token) <= TOKEN_CHARS
