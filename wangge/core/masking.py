"""Server-side masking: what every page and endpoint shows by default."""


def mask_id_number(value: str) -> str:
    """First 3 and last 4 characters visible: 150***********1234."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[0] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; other numbers keep their first 3 and last 4 too."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * (len(value) - 2) + value[-2:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
