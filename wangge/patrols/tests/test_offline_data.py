"""Personal data on the phone: the app asks who is signed in before it shows anything it
kept, and logout tells the browser to drop everything the site stored on the device."""

import pytest
from django.test import Client

from wangge.audit.models import AuditEvent


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_session_names_the_signed_in_account(world):
    # when a worker and a member of staff ask who is signed in
    worker = client_for(world.worker_a).get("/api/patrols/session")
    staff = client_for(world.staff).get("/api/patrols/session")
    # then each gets their own account, whatever their role
    assert (worker.status_code, worker.json()) == (200, {"user_id": world.worker_a.pk})
    assert (staff.status_code, staff.json()) == (200, {"user_id": world.staff.pk})


def test_session_without_login_is_401(db):
    assert Client().get("/api/patrols/session").status_code == 401


def test_logout_clears_the_sites_storage_and_runs_the_wipe_script(world):
    # given a signed-in grid worker
    client = client_for(world.worker_a)
    # when they log out
    response = client.post("/logout/")
    # then the browser is told to drop the site's storage and cache (IndexedDB, Cache
    # Storage, service workers), and the page's own script does the same
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "data-wipe-offline-data" in html
    assert 'data-next="/login/"' in html
    assert "/static/patrols/offline-data.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    # and the session is over, and audited
    assert client.get("/api/patrols/session").status_code == 401
    assert AuditEvent.objects.filter(action="logout", actor=world.worker_a).count() == 1


@pytest.mark.parametrize("path", ["/", "/residents/"])
def test_site_pages_warn_before_logout_through_the_offline_data_script(world, path):
    html = client_for(world.staff).get(path).content.decode()
    assert "data-logout" in html
    assert "/static/patrols/offline-data.js" in html
