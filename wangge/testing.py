"""Builders for tests: a small real area tree, users with roles, people."""

import itertools

from wangge.accounts.models import Department, Role, User
from wangge.accounts.services import role_assign
from wangge.areas.models import Area, AreaKind
from wangge.areas.services import area_create
from wangge.core.identity import id_check_char
from wangge.people.models import Household, Resident

_seq = itertools.count(1)


def square(lat: float, lng: float, size: float = 0.01) -> dict:
    """A GeoJSON square with its south-west corner at (lat, lng)."""
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size],
                         [lng, lat + size], [lng, lat]]],
    }


def valid_id_number(region: str = "150203", birth: str = "19800101", seq: int | None = None) -> str:
    seq = next(_seq) % 1000 if seq is None else seq
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def build_city(*, districts: int = 2, streets: int = 2, communities: int = 2, grids: int = 2):
    """City 150200 with a regular tree below; grid polygons tile a lattice near Baotou."""
    city = area_create(parent=None, kind=AreaKind.CITY, code="150200", name="包头市")
    for d in range(districts):
        district = area_create(parent=city, kind=AreaKind.DISTRICT, code=f"15020{d + 2}",
                               name=f"第{d + 1}区")
        for s in range(streets):
            street = area_create(parent=district, kind=AreaKind.STREET,
                                 code=f"{district.code}{s + 1:03d}000", name=f"{district.name}街道{s + 1}")
            for c in range(communities):
                community = area_create(parent=street, kind=AreaKind.COMMUNITY,
                                        code=f"{street.code}{c + 1:03d}",
                                        name=f"{street.name}社区{c + 1}")
                for g in range(grids):
                    row = (d * streets + s) * communities + c
                    area_create(parent=community, kind=AreaKind.GRID,
                                code=f"{community.code}{g + 1:03d}",
                                name=f"{community.name}网格{g + 1}",
                                polygon=square(40.5 + row * 0.02, 109.8 + g * 0.02))
    return Area.objects.get(pk=city.pk)


def grids() -> list[Area]:
    return list(Area.objects.filter(kind=AreaKind.GRID).order_by("path"))


def make_user(role: str | None = None, area: Area | None = None, *, username: str | None = None,
              department: Department | None = None,
              password: str = "Secret-pass-123") -> User:  # noqa: S107
    user = User.objects.create_user(username=username or f"user{next(_seq)}", password=password)
    if role:
        role_assign(actor=None, user=user, role=role, area=area, department=department)
    return User.objects.get(pk=user.pk)


def otp_device_ensure(user: User):
    """A confirmed TOTP device for ``user`` (tests read its codes with ``otp_token``)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def otp_token(device) -> str:
    """The device's current code, or the next step's when the current one was used
    already (a device accepts each step once and tolerates one step of drift)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.drift += device.last_t - totp.t() + 1
    return f"{totp.token():0{device.digits}d}"


def otp_session_verify(client, user: User) -> None:
    """Mark a test client's session as past the second factor, when the user needs one
    (conftest does this after every ``client.force_login``)."""
    from wangge.accounts.otp import SESSION_KEY, otp_required

    if not otp_required(user):
        return
    session = client.session
    session[SESSION_KEY] = otp_device_ensure(user).pk
    session.save()


def make_household(grid: Area, *, code: str | None = None) -> Household:
    return Household.objects.create(grid=grid, area_path=grid.path,
                                    code=code or f"H{next(_seq):08d}", address=f"{grid.name}1号楼")


def make_resident(household: Household, *, name: str = "张三", id_number: str | None = None,
                  phone: str = "13812345678") -> Resident:
    resident = Resident(household=household, area_path=household.area_path, name=name,
                        gender="male")
    resident.set_id_number(id_number or valid_id_number())
    resident.set_phone(phone)
    resident.save()
    return resident


def allow_audit_truncate_once() -> None:
    """A transactional test ends with a TRUNCATE of every table, which PostgreSQL's
    append-only trigger on the audit table refuses. Wrap the next flush (once) so that,
    inside its own transaction, the statement trigger is off for the TRUNCATE and back on
    right after; the row-level trigger refusing UPDATE and DELETE is never touched."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    ops = connection.ops

    def sql_flush(style, tables, **kwargs):
        del ops.sql_flush
        statements = type(ops).sql_flush(ops, style, tables, **kwargs)
        if "audit_auditevent" not in tables or not statements:
            return statements
        toggle = "ALTER TABLE audit_auditevent {} TRIGGER audit_event_no_truncate;"
        return [toggle.format("DISABLE"), *statements, toggle.format("ENABLE")]

    ops.sql_flush = sql_flush


__all__ = ["Role", "build_city", "grids", "make_household", "make_resident", "make_user",
           "otp_device_ensure", "otp_session_verify", "otp_token"]
