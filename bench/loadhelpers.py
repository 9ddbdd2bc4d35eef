"""Helpers of the load client (bench/locustfile.py): a phone's photo, TOTP codes, form parsing,
multipart bodies and a community's small resident import."""

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


# A resident import as a community office sends it: a few households, each 户主 row starting
# one (grouped by address, no household codes), into the grid chosen on the page. The ID
# numbers use a region code outside any real prefecture (as bench/import_residents.py), one
# birth date and a block of 20 sequence numbers per file, so two files meet only by chance
# (≈ 1 in 1.4 M per pair). Every row's 备注 carries the write's marker.
IMPORT_HEADER = ["姓名", "证件号码", "与户主关系", "住址", "备注"]
IMPORT_REGION = "159900"
IMPORT_ROWS = 12


def id_number(first17: str) -> str:
    from wangge.core.identity import id_check_char

    return first17 + id_check_char(first17)


def resident_workbook(mark: str, rows: int = IMPORT_ROWS) -> bytes:
    from datetime import date, timedelta

    from openpyxl import Workbook

    rng = random.Random(mark)
    birth = date(1930, 1, 1) + timedelta(days=rng.randrange(27_000))
    block = rng.randrange(50) * 20
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民导入")
    sheet.append(IMPORT_HEADER)
    for n in range(rows):
        number = id_number(f"{IMPORT_REGION}{birth:%Y%m%d}{block + n:03d}")
        sheet.append([f"导入{'甲乙丙丁'[n % 4]}{n}", number, "户主" if n % 3 == 0 else "子女",
                      f"{mark}小区{n // 3 + 1}号楼101室", f"导入 {mark}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def select_values(text: str, name: str) -> list[str]:
    """The non-empty option values of the ``<select name=…>`` in a page."""
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', text or "", re.S)
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]+)"', found[1])] if found else []


def hidden_value(text: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', text or "") or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', text or "")
    return html.unescape(found[1]) if found else ""
