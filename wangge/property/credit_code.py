"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V):
registration authority (1), organisation kind (1), administrative division (6),
organisation code (9) and a check character computed as

    C18 = 31 - (Σ Ci × Wi mod 31), i = 1…17, with 31 written as 0,
    W = 3^(i-1) mod 31 = 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return "".join((code or "").split()).upper()


def is_valid(code: str) -> bool:
    code = normalize(code)
    if len(code) != 18 or any(ch not in _VALUE for ch in code):
        return False
    return check_character(code[:17]) == code[17]
