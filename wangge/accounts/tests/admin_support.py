"""Helpers of the admin tests: a signed-in client and the nodes of the test city."""

from django.test import Client

from wangge.areas.models import Area

STRONG = "Qz7#mkw-tr4Lp"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def node(kind: str, index: int = 0) -> Area:
    return Area.objects.filter(kind=kind).order_by("path")[index]
