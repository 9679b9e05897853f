"""One machine, no Redis: every process sees what another one changed.

The embedded default: SQLite, no ``REDIS_URL``, production settings, the page
cache on, gunicorn with five workers. Readers' requests go to whichever worker
takes them; a moderator approves a comment through the admin, and the
operator imports an article and adds a section with ``manage.py`` (what cron
or a script does). The next requests, whichever workers answer them, must
show all of it: the cache is shared by every process on the machine
(``newsroom/settings.py``, the disk cache), not kept in each worker's memory.
"""

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.live import free_port, gunicorn, manage, production_env, stop
from tests.scaleout.test_two_instances import Client

BASE_DIR = Path(__file__).resolve().parents[2]
SEED = BASE_DIR / "demo" / "000_acd85ecf6e6c6313.txt"
SECRET = "one-machine-test-" + secrets.token_urlsafe(32)
MODERATOR, PASSWORD = "kiem-duyet", "Mat-khau-" + secrets.token_urlsafe(12)
WORKERS = 5
# Requests per check, ten at a time: enough that every worker answers some.
REQUESTS, AT_ONCE = 40, 10


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-machine")
    env = production_env(
        SECRET,
        PAGE_CACHE_ENABLED="1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        CACHE_DIR=str(folder / "cache"),
        MEDIA_ROOT=str(folder / "media"),
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    for name in ("REDIS_URL", "DATABASE_REPLICA_URL", "MEDIA_STORAGE_URL"):
        env.pop(name, None)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(
        env,
        "createsuperuser",
        "--noinput",
        "--username",
        MODERATOR,
        "--email",
        "m@x.vn",
    )
    seed_url = manage(
        env, "import_article", str(SEED), "--publish", "--create-section"
    ).splitlines()[-1]
    port = free_port()
    server = gunicorn(env, port, workers=WORKERS, timeout=60)
    try:
        yield {
            "env": env,
            "base": f"http://127.0.0.1:{port}",
            "folder": folder,
            "seed_path": re.sub(r"^https?://[^/]+", "", seed_url),
            "reader": Client(),
        }
    finally:
        stop(server)


def every_answer(site, path):
    """``REQUESTS`` readers' GETs of ``path``, ``AT_ONCE`` at a time."""
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        answers = list(
            pool.map(lambda _: site["reader"].get(site["base"] + path), range(REQUESTS))
        )
    assert {status for status, _headers, _body in answers} == {200}, path
    return [(headers, body.decode()) for _status, headers, body in answers]


def shell(site, code):
    return manage(site["env"], "shell", "--no-imports", "-c", code)


def test_every_worker_serves_a_stored_page_from_the_cache(site):
    # The first answers render (and the first view flush purges "Đọc nhiều");
    # then a page one worker stored is every worker's hit.
    every_answer(site, site["seed_path"])
    answers = every_answer(site, site["seed_path"])
    hits = [h for h, _body in answers if h.get("X-Page-Cache") == "hit"]
    # A read that waits past the disk cache's lock timeout on a loaded
    # machine answers as a miss and renders: most, not all, are hits.
    assert len(hits) >= REQUESTS * 3 // 4


def test_an_approval_in_the_admin_is_on_every_workers_next_answer(site):
    article_id = int(re.search(r"-(\d+)\.html$", site["seed_path"]).group(1))
    comment_id = shell(
        site,
        "from articles.models import Comment; "
        f"print(Comment.objects.create(article_id={article_id}, name='Bạn đọc', "
        "email='ban.doc@example.vn', body='Ý kiến của bạn đọc ở Đà Nẵng').pk)",
    )
    for _headers, body in every_answer(site, site["seed_path"]):
        assert "Ý kiến của bạn đọc ở Đà Nẵng" not in body
        assert "(0) Bình luận" in body

    moderator = Client()
    base = site["base"]
    status, _headers, _body = moderator.submit(
        f"{base}/admin/login/?next=/admin/",
        {"username": MODERATOR, "password": PASSWORD},
    )
    assert status == 302
    changelist = f"{base}/admin/articles/comment/"
    status, _headers, body = moderator.submit(
        changelist,
        {"action": "approve", "_selected_action": comment_id, "index": "0"},
        form_url=changelist,
    )
    assert status == 302, body.decode()[:2000]

    for _headers, body in every_answer(site, site["seed_path"]):
        assert "Ý kiến của bạn đọc ở Đà Nẵng" in body
        assert "(1) Bình luận" in body


def test_an_import_and_a_new_section_from_manage_py_are_on_every_worker(site):
    every_answer(site, "/")  # cached by the workers before the commands run
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("Hà Nội và TP.HCM")  # the title line
    lines[2] = "Hai thành phố ký kế hoạch hợp tác năm 2027"
    lines[4] = "Bình Minh 01/12/2026 08:00"
    source = site["folder"] / "bai-moi.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    manage(site["env"], "import_article", str(source), "--publish")
    shell(
        site,
        "from articles.models import Category; "
        "Category.objects.create(name='Kinh tế số', slug='kinh-te-so')",
    )
    for _headers, body in every_answer(site, "/"):
        assert "Hai thành phố ký kế hoạch hợp tác năm 2027" in body
        assert 'href="/kinh-te-so/"' in body
