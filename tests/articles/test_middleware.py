"""DatabaseUnavailableMiddleware: a database that times out is an outage too."""

import psycopg
import pytest
from django.db import connection

from tests.live import free_port

pytestmark = pytest.mark.django_db


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Trang tạm thời gián đoạn" in body
    assert "Traceback" not in body and "statement timeout" not in body


def test_statement_timeout_answers_the_friendly_503(client, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    from articles import views

    def slow(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 10")
            cursor.execute("SELECT pg_sleep(5)")  # cancelled by the server

    monkeypatch.setattr(views.HomeView, "get_context_data", slow)
    assert_friendly_503(client.get("/"))


def test_psycopg_error_outside_django_answers_the_friendly_503(client, monkeypatch):
    from articles import views

    def unwrapped(*args, **kwargs):
        # psycopg called directly raises its own error, not Django's wrapper.
        psycopg.connect(host="127.0.0.1", port=free_port(), connect_timeout=2)

    monkeypatch.setattr(views.HomeView, "get_context_data", unwrapped)
    assert_friendly_503(client.get("/"))
