"""Track replay: supervisors of the area replay a worker's day; nobody else does."""

from datetime import timedelta

import pytest
from django.urls import reverse

from wangge.patrols.models import Patrol
from wangge.patrols.tests.conftest import TODAY, at


def _patrol(worker, grid, points=3):
    start = at(TODAY, 9)
    return Patrol.objects.create(
        worker=worker,
        grid=grid,
        area_path=grid.path,
        client_ref=f"p-{worker.pk}-{grid.pk}",
        date=TODAY,
        started_at=start,
        ended_at=start + timedelta(hours=1),
        points=[
            {
                "lat": 40.5 + i * 0.001,
                "lng": 109.8 + i * 0.001,
                "at": (start + timedelta(minutes=i * 5)).isoformat(),
            }
            for i in reversed(range(points))
        ],
    )


def _data(client, worker):
    return client.get(
        reverse("patrols:track_data"), {"worker": worker.pk, "date": TODAY.isoformat()}
    )


def test_community_staff_replay_a_worker_of_their_community(client, world):
    _patrol(world.worker_a, world.g1)
    client.force_login(world.staff)
    response = _data(client, world.worker_a)
    assert response.status_code == 200
    [patrol] = response.json()["patrols"]
    assert patrol["grid"] == world.g1.name
    assert [p["lat"] for p in patrol["points"]] == [40.5, 40.501, 40.502]  # in time order
    page = client.get(reverse("patrols:tracks"), {"worker": world.worker_a.pk})
    assert page.status_code == 200
    assert "track-config" in page.content.decode()


def test_staff_of_another_community_cannot_see_the_track(client, world):
    _patrol(world.worker_c, world.g3)
    client.force_login(world.staff)  # community 1; worker_c patrols community 2
    assert _data(client, world.worker_c).status_code == 404
    assert client.get(reverse("patrols:tracks"), {"worker": world.worker_c.pk}).status_code == 404
    workers = client.get(reverse("patrols:tracks")).context["workers"]
    assert [w.username for w in workers] == ["worker_a", "worker_b"]


def test_a_grid_worker_cannot_see_another_workers_track(client, world):
    _patrol(world.worker_b, world.g2)
    client.force_login(world.worker_a)
    assert _data(client, world.worker_b).status_code == 404
    assert client.get(reverse("patrols:tracks")).status_code == 404


def test_street_staff_see_both_communities(client, world):
    _patrol(world.worker_c, world.g3)
    client.force_login(world.street_staff)
    assert len(_data(client, world.worker_c).json()["patrols"]) == 1


@pytest.mark.parametrize(
    "query", [{"worker": "x", "date": "2026-06-10"}, {"worker": "1", "date": "bad"}]
)
def test_bad_parameters_answer_404(client, world, query):
    client.force_login(world.staff)
    assert client.get(reverse("patrols:track_data"), query).status_code == 404
