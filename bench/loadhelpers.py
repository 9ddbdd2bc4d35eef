"""Helpers of the load client (bench/locustfile.py): a phone's photo, TOTP codes, form parsing
and multipart bodies."""

import hashlib
import hmac
import html
import io
import random
import re
import struct
import uuid


def photo() -> bytes:
    """A ~100 KB JPEG, as a phone would send after shrinking it."""
    from PIL import Image

    rng = random.Random(1)
    image = Image.frombytes("RGB", (480, 360), bytes(rng.getrandbits(8) for _ in range(480 * 360 * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return out.getvalue()




def totp(key_hex: str, step: int) -> str:
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def csrf_field(text: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text or "")
    return html.unescape(found[1]) if found else ""


def marker() -> str:
    return "LT" + uuid.uuid4().hex[:16]


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----lt" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, ctype) in files.items():
        parts.append(
            (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
             f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n').encode() + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
