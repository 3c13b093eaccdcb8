from datetime import timedelta

from django.test import Client
from django.utils import timezone

from oversight.core import services
from oversight.core.models import Heartbeat
from oversight.core.tasks import worker_heartbeat


def test_it_is_healthy_with_a_fresh_worker_heartbeat(db):
    worker_heartbeat()  # Huey runs tasks immediately in tests: this is the periodic job itself
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["worker"]["ok"]
    assert body["version"]


def test_it_is_unhealthy_without_a_worker(db):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"ok": False, "last_heartbeat": None}


def test_it_is_unhealthy_with_a_stale_heartbeat(db):
    services.heartbeat(name="worker")
    Heartbeat.objects.update(at=timezone.now() - timedelta(minutes=10))
    assert Client().get("/healthz").status_code == 503


def test_it_is_unhealthy_when_the_database_fails(db, monkeypatch):
    class Gone:
        def cursor(self):
            raise RuntimeError("database is gone")

    monkeypatch.setattr("oversight.core.selectors.connection", Gone())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


def test_it_reports_the_supervised_processes_and_a_worker_seen_ending(db):
    import json

    worker_heartbeat()
    services.heartbeat(
        name="serve.worker",
        detail=json.dumps({"state": "restarting", "pid": None, "restarts": 2, "last_exit": -9}),
    )
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["worker"]["ok"] is False
    assert body["processes"]["worker"]["restarts"] == 2
    assert body["processes"]["worker"]["last_exit"] == -9
    services.heartbeat(
        name="serve.worker",
        detail=json.dumps({"state": "running", "pid": 7, "restarts": 3, "last_exit": -9}),
    )
    assert Client().get("/healthz").status_code == 503  # started, not yet beating
    worker_heartbeat()  # the new worker beats as it starts
    assert Client().get("/healthz").status_code == 200
