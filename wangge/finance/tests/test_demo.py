"""The demo city gets stations, products, postings, demand lists, ratings and two years of
loans; the demo logins of finance see their pages."""

import pytest
from django.core.management import call_command

from wangge.finance.models import Demand, Loan, LoanBalance, Posting, Product, Rating

PASSWORD = "Wangge@2026"  # the demo logins


@pytest.fixture
def frozen_at():
    return None


@pytest.mark.django_db
def test_demo_city_has_finance(settings):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    settings.WANGGE_DEMO = True
    settings.WANGGE_OTP_REQUIRED_ROLES = []
    call_command("generate_city", scale=0.0002, seed=42, districts="150203", verbosity=0)
    call_command("generate_activity", seed=42, days=14, verbosity=0)
    call_command("demo_logins", verbosity=0)
    assert Product.objects.count() == 44 and Posting.objects.exists()
    assert Demand.objects.exists()  # at least the village collectives' needs
    from wangge.finance.demo import villages
    from wangge.people.models import Household

    rural = Household.objects.filter(area_path__startswith=villages().first().path).exists()
    if rural:  # the tiny test city may leave its villages without households
        assert Rating.objects.exists()
        assert Loan.objects.exists() and LoanBalance.objects.dates("period", "month").count() >= 13
    for username in ("financeofficer", "financeassistant"):
        assert client.login(username=username, password=PASSWORD)
        for url in ("/finance/", "/finance/demands/", "/finance/villages/", "/finance/credit/",
                    "/finance/postings/", "/finance/demands/new/"):
            assert client.get(url).status_code == 200, (username, url)
