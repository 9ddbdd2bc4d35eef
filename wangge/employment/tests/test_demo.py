"""The demo city gets a census in the seed's proportions, an express-and-take-away
alliance, branches with instructors, and in the history services, rest-station visits and
reports by workers — refusing no step — and the demo logins find their pages."""

import re
from datetime import datetime

from django.core.management import call_command

from wangge.core import clock
from wangge.demo.city import city_generate
from wangge.demo.history import activity_generate
from wangge.employment.demo import SEED_COMPANIES, SEED_WORKERS
from wangge.employment.models import (
    Branch,
    Company,
    Instructor,
    ServiceRecord,
    StationVisit,
    Worker,
    WorkerReport,
)

NOW = datetime(2026, 11, 25, 15, 30, tzinfo=clock.LOCAL_TZ)


def test_demo_census_history_and_logins(db, client, settings):
    settings.WANGGE_DEMO = True
    with clock.simulated(lambda: NOW):
        city_generate(scale=0.002, seed=5, districts=["150206"])
    companies, workers = Company.objects.count(), Worker.objects.count()
    assert companies >= 8
    assert abs(workers / companies - SEED_WORKERS / SEED_COMPANIES) < 1
    assert Branch.objects.count() >= 2 and Instructor.objects.count() == Branch.objects.count()
    assert Company.objects.filter(alliance__name__endswith="快递外卖行业党建联盟").exists()
    assert not Worker.objects.filter(consent_on__isnull=True).exclude(name="", phone_enc="").exists()
    with clock.simulated(lambda: NOW):
        history = activity_generate(seed=1, days=21, until=NOW)
    assert history.refused == 0, history.refusals
    assert ServiceRecord.objects.exists() and StationVisit.objects.exists() and WorkerReport.objects.exists()
    call_command("demo_logins", verbosity=0)
    from wangge.accounts.models import User

    for username, path in [("employment", "/employment/"), ("employment", "/employment/workers/"),
                           ("stationkeeper", "/employment/stations/")]:
        client.force_login(User.objects.get(username=username))
        answer = client.get(path, follow=True)
        assert answer.status_code == 200, (username, path)
    page = client.get("/employment/stations/", follow=True).content.decode()
    if "第一步" not in page:  # several stations: the keeper picks one first
        link = re.search(r'href="(/employment/stations/\d+/)"', page).group(1)
        page = client.get(link).content.decode()
    assert "第一步" in page
