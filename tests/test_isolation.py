"""A failing test keeps its failure to itself: the tests after it start clean.

``AFTER_FAILURES`` runs in a pytest of its own, with this suite's fixtures
(tests/conftest.py) and on this run's database server. Three of its tests fail
on purpose: two while the live server is still inside a request's transaction
(on SQLite that request shares the test's connection), one inside a
transaction it never closes. Each is followed by a test that must pass: its
callbacks run on commit, no row is left over, and the replica answers.
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit
from xml.etree import ElementTree

from tests.live import BASE_DIR

AFTER_FAILURES = '''
import threading
import urllib.request

import pytest
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.urls import path

from articles.models import Category

BOTH = ["default", "replica"]
in_view = threading.Event()


def hold():
    """Stay in the view a moment after telling the test it is there."""
    in_view.set()
    threading.Event().wait(1)


def broken(request):
    with transaction.atomic():
        Category.objects.create(name="Một", slug="mot")
        try:
            Category.objects.create(name="Một", slug="mot")
        except IntegrityError:
            pass  # the transaction can only be rolled back now
        hold()
    return HttpResponse()


def writing(request):
    with transaction.atomic():
        Category.objects.count()
        hold()
        Category.objects.create(name="Hai", slug="hai")
    return HttpResponse()


urlpatterns = [path("broken/", broken), path("writing/", writing)]


def fail_while_serving(live_server, settings, view):
    settings.ROOT_URLCONF = __name__
    in_view.clear()
    url = f"{live_server.url}/{view}/"
    threading.Thread(target=lambda: urllib.request.urlopen(url).read()).start()
    assert in_view.wait(30)
    pytest.fail(f"on purpose, while /{view}/ is served")


def assert_clean():
    ran = []
    transaction.on_commit(lambda: ran.append(True))
    assert ran == [True], "on_commit() waited: still inside a transaction"
    assert list(Category.objects.all()) == []
    assert list(Category.objects.using("replica").all()) == []


def test_1_fails_while_a_request_holds_a_broken_transaction(live_server, settings):
    fail_while_serving(live_server, settings, "broken")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_2_starts_clean():
    assert_clean()


def test_3_fails_while_a_request_writes(live_server, settings):
    fail_while_serving(live_server, settings, "writing")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_4_starts_clean():
    assert_clean()


@pytest.mark.django_db(transaction=True)
def test_5_fails_inside_a_transaction_it_never_closes():
    transaction.atomic().__enter__()
    Category.objects.create(name="Ba", slug="ba")
    pytest.fail("on purpose, inside a transaction")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_6_starts_clean():
    assert_clean()
'''


def _environment() -> dict:
    """This run's environment, on databases of the inner run's own.

    pytest-django names the test databases after DATABASE_URL's; the replica's
    stand-in is derived from it (newsroom/settings_test.py).
    """
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    if env.get("DATABASE_URL"):
        url = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = url._replace(path=f"{url.path}_isolation").geturl()
    return env


def _outcomes(junit_xml) -> dict[str, list[tuple[str, str]]]:
    """Each test's name: what went wrong, as ("failure", message) for the test
    itself and ("error", message) for its setup or teardown."""
    outcomes = {}
    # A test that fails and then errors in teardown is reported twice.
    for case in ElementTree.parse(junit_xml).getroot().iter("testcase"):
        outcomes.setdefault(case.get("name"), []).extend(
            (child.tag, child.get("message", "").splitlines()[0])
            for child in case
            if child.tag in {"failure", "error"}
        )
    return {name: sorted(problems) for name, problems in outcomes.items()}


def test_failures_do_not_reach_the_tests_after_them(tmp_path):
    module = tmp_path / "test_after_failures.py"
    module.write_text(AFTER_FAILURES, encoding="utf-8")
    junit_xml = tmp_path / "report.xml"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", str(module), "-q"),
            *("-p", "tests.conftest", "-p", "no:cacheprovider"),
            *("--rootdir", str(BASE_DIR), "-c", str(BASE_DIR / "pyproject.toml")),
            f"--junit-xml={junit_xml}",
        ],
        cwd=BASE_DIR,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert junit_xml.exists(), run.stdout + run.stderr
    assert _outcomes(junit_xml) == {
        "test_1_fails_while_a_request_holds_a_broken_transaction": [
            ("failure", "Failed: on purpose, while /broken/ is served"),
        ],
        "test_2_starts_clean": [],
        "test_3_fails_while_a_request_writes": [
            ("failure", "Failed: on purpose, while /writing/ is served"),
        ],
        "test_4_starts_clean": [],
        # Its teardown rolls back and says what it had to undo.
        "test_5_fails_inside_a_transaction_it_never_closes": [
            (
                "error",
                "failed on teardown with "
                "\"Failed: the 'default' connection was left in a transaction\"",
            ),
            ("failure", "Failed: on purpose, inside a transaction"),
        ],
        "test_6_starts_clean": [],
    }, run.stdout[-6000:]
