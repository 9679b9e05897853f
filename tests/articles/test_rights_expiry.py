"""At a photo's rights moment its files stop being served wherever they live.

Real files under MEDIA_ROOT (what nginx's ``location /media/`` serves), a real
S3 server (moto, tests/s3.py), the worker's own loop (tests/jobs.py) and, once,
a real ``manage.py db_worker`` process. The clock is moved with time-machine.
"""

import os
import subprocess
import textwrap
import urllib.error
import urllib.request
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from articles.models import Image
from articles.renditions import rendition_name, spec_name, specs_for
from articles.rights_expiry import expire_photo_rights, rights_moment
from newsroom.media import private_media_storage
from tests.factories import ImageFactory, PublishedArticleFactory
from tests.jobs import run_pending_jobs
from tests.live import manage

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE_DIR = Path(__file__).resolve().parents[2]
LAST_DAY = date(2026, 12, 31)
MOMENT = datetime(2027, 1, 1, 0, 0, tzinfo=VN)


@pytest.fixture(autouse=True)
def _page_cache(settings):
    # What is proved is that pages cached before the moment are not served
    # after it: the page cache must be on.
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime(2026, 12, 31, 10, 0, tzinfo=VN), tick=False)
    return time_machine


def set_rights(image, last_day, capture):
    image.rights_expires_at = last_day
    with capture(execute=True):
        image.save()


def run_jobs(capture) -> int:
    """The worker's loop; the job's after-commit purges run as they do in the
    worker's own process (autocommit), not at the end of this test's
    transaction."""
    with capture(execute=True):
        return run_pending_jobs()


def cache_pages(client, urls, image) -> None:
    """Render each page (it shows the photo) and see the next GET is a page
    cache hit: what a reader gets until something purges it."""
    for url in urls:
        assert shows(client, url, image), url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def shows(client, url: str, image) -> bool:
    html = client.get(url).content.decode()
    return f"renditions/{image.file.name}/" in html


def public_files(image) -> list[str]:
    """What nginx's ``try_files`` could find for the photo under MEDIA_ROOT."""
    root = Path(default_storage.location)
    found = [
        root / image.file.name,
        *(root / "renditions" / image.file.name).rglob("*"),
    ]
    return sorted(str(p.relative_to(root)) for p in found if p.is_file())


@pytest.fixture
def photo_on_pages(client):
    """A photo as the cover of one article and in the body of another, both
    pages (and home) already in the page cache, one rendition made on disk."""
    image = ImageFactory(file__width=1200, file__height=800)
    cover = PublishedArticleFactory(cover=image, featured=True)
    body = PublishedArticleFactory(
        body=f'<figure><img src="/media/{image.file.name}" alt="Ảnh"></figure>'
    )
    return image, [cover.get_absolute_url(), body.get_absolute_url(), "/"]


def test_the_rights_moment_is_the_start_of_the_next_day_in_vietnam():
    assert rights_moment(LAST_DAY) == MOMENT
    image = Image(rights_expires_at=LAST_DAY)
    assert not image.rights_expired(date(2026, 12, 31))
    assert image.rights_expired(date(2027, 1, 1))


def test_at_the_rights_moment_the_files_leave_media_root_and_pages_drop_the_photo(
    client, clock, photo_on_pages, django_capture_on_commit_callbacks
):
    image, urls = photo_on_pages
    plain = rendition_name(image.file.name, width=640, ext="webp")
    assert client.get(f"/media/{plain}").status_code == 200
    assert public_files(image) == [image.file.name, plain]

    set_rights(image, LAST_DAY, django_capture_on_commit_callbacks)
    job = DBTaskResult.objects.get()
    assert job.run_after == MOMENT
    # The copy made before the photo had a date (kept a year by browsers and
    # CDNs) is gone; pages now list names that carry the date.
    limited = rendition_name(image.file.name, width=640, ext="webp", until=LAST_DAY)
    assert limited.endswith("/r20261231-w640.webp")
    assert client.get(f"/media/{plain}").status_code == 404
    response = client.get(f"/media/{limited}")
    assert response.status_code == 200
    # 10:00 on the last day: 14 hours left, and no browser keeps it longer.
    assert response["Cache-Control"] == "public, max-age=50400"
    for url in urls:
        assert shows(client, url, image), url  # and now in the page cache
        assert f"/{image.file.name}/r20261231-" in client.get(url).content.decode()
    assert public_files(image) == [image.file.name, limited]

    clock.move_to(datetime(2026, 12, 31, 23, 59, 59, tzinfo=VN), tick=False)
    assert run_jobs(django_capture_on_commit_callbacks) == 0  # not due yet
    assert public_files(image) == [image.file.name, limited]
    assert client.get(f"/media/{limited}")["Cache-Control"] == "public, max-age=1"
    # Pages stored one second before the moment, good for 10 minutes more.
    cache_pages(client, urls, image)

    clock.move_to(MOMENT, tick=False)
    assert run_jobs(django_capture_on_commit_callbacks) == 1
    assert public_files(image) == []
    assert storages["private"].exists(image.file.name)
    assert not Path(storages["private"].location).is_relative_to(
        default_storage.location
    )
    assert client.get(f"/media/{limited}").status_code == 404
    # The next request, not the page cache's 10 minutes later.
    for url in urls:
        assert not shows(client, url, image), url

    # The editor extends the rights: the photo is back at once, under names
    # that carry the new date.
    set_rights(image, date(2027, 1, 31), django_capture_on_commit_callbacks)
    assert public_files(image) == [image.file.name]
    assert not storages["private"].exists(image.file.name)
    extended = rendition_name(
        image.file.name, width=640, ext="webp", until=date(2027, 1, 31)
    )
    assert client.get(f"/media/{extended}").status_code == 200
    assert client.get(f"/media/{limited}").status_code == 404
    for url in urls:
        assert shows(client, url, image), url


def test_the_job_rechecks_the_date_the_editor_moved_after_it_was_queued(
    client, clock, photo_on_pages, django_capture_on_commit_callbacks
):
    image, urls = photo_on_pages
    set_rights(image, LAST_DAY, django_capture_on_commit_callbacks)
    set_rights(image, date(2027, 1, 5), django_capture_on_commit_callbacks)
    clock.move_to(MOMENT, tick=False)
    # The first job: the date is not past any more.
    assert run_jobs(django_capture_on_commit_callbacks) == 1
    assert public_files(image) == [image.file.name]
    assert shows(client, urls[0], image)
    # Running it again changes nothing (a worker retried it).
    assert expire_photo_rights.call(image.pk) == "unchanged"

    clock.move_to(datetime(2027, 1, 5, 23, 59, 59, tzinfo=VN), tick=False)
    cache_pages(client, urls, image)
    clock.move_to(rights_moment(date(2027, 1, 5)), tick=False)
    assert run_jobs(django_capture_on_commit_callbacks) == 1
    assert public_files(image) == []
    for url in urls:
        assert not shows(client, url, image), url
    assert expire_photo_rights.call(image.pk) == "unchanged"


def test_a_date_already_past_withholds_at_once_and_queues_nothing(
    clock, photo_on_pages, django_capture_on_commit_callbacks
):
    image, _urls = photo_on_pages
    set_rights(image, date(2026, 12, 1), django_capture_on_commit_callbacks)
    assert public_files(image) == []
    assert DBTaskResult.objects.count() == 0


def test_a_rolled_back_save_queues_nothing(
    clock, photo_on_pages, django_capture_on_commit_callbacks
):
    image, _urls = photo_on_pages
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            image.rights_expires_at = LAST_DAY
            image.save()
            raise RuntimeError("the admin's save failed after the photo row")
    assert DBTaskResult.objects.count() == 0


def test_sweep_handles_photos_that_expired_before_the_fix(
    client, clock, photo_on_pages, django_capture_on_commit_callbacks
):
    image, urls = photo_on_pages
    rendition = rendition_name(image.file.name, width=320, ext="webp")
    assert client.get(f"/media/{rendition}").status_code == 200
    # A rendition named for its date, as the app made them with the date set.
    Image.objects.filter(pk=image.pk).update(rights_expires_at=LAST_DAY)
    image.refresh_from_db()
    limited = rendition_name(image.file.name, width=320, ext="webp", until=LAST_DAY)
    assert client.get(f"/media/{limited}").status_code == 200
    # Expired before this code existed: the date was set, nothing was queued
    # and the files are still public. Pages stored just before the moment; the
    # timer's sweep runs 5 minutes after it, inside their 10 minutes.
    clock.move_to(datetime(2026, 12, 31, 23, 59, 59, tzinfo=VN), tick=False)
    cache_pages(client, urls, image)
    clock.move_to(datetime(2027, 1, 1, 0, 5, tzinfo=VN), tick=False)
    assert public_files(image) == sorted([image.file.name, rendition, limited])

    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_photo_rights", stdout=open(os.devnull, "w"))
    assert public_files(image) == []
    assert storages["private"].exists(image.file.name)
    for url in urls:
        assert not shows(client, url, image), url
    assert expire_photo_rights.call(image.pk) == "unchanged"  # idempotent


def test_the_feed_drops_the_enclosure_of_an_expired_cover(
    client, clock, photo_on_pages, django_capture_on_commit_callbacks
):
    image, _urls = photo_on_pages
    set_rights(image, LAST_DAY, django_capture_on_commit_callbacks)
    assert f"/media/{image.file.name}" in client.get("/rss.xml").content.decode()
    clock.move_to(MOMENT, tick=False)
    run_jobs(django_capture_on_commit_callbacks)
    # The original's URL is a 404 now: the feed must not point readers at it.
    assert "<enclosure" not in client.get("/rss.xml").content.decode()


# -- object storage ---------------------------------------------------------------


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def keys(s3_media, prefix: str) -> set[str]:
    listing = s3_media["client"].list_objects_v2(
        Bucket=s3_media["bucket"], Prefix=prefix
    )
    return {item["Key"] for item in listing.get("Contents", [])}


def test_at_the_rights_moment_the_files_leave_the_bucket(
    client, clock, s3_media, settings, django_capture_on_commit_callbacks
):
    url = s3_media["server"].storage_url(s3_media["bucket"])
    settings.STORAGES = {
        **settings.STORAGES,
        "private": private_media_storage({"MEDIA_STORAGE_URL": url}),
    }
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(file__width=1000, file__height=640)
    article = PublishedArticleFactory(cover=image)
    before = {spec_name(spec) for spec in specs_for(image)}
    assert keys(s3_media, "renditions/") == before
    set_rights(image, LAST_DAY, django_capture_on_commit_callbacks)
    names = {spec_name(spec) for spec in specs_for(image)}
    # Only the names that carry the date: the year-long copies are gone.
    assert keys(s3_media, "renditions/") == names
    assert all("/r20261231-" in name for name in names)
    head = s3_media["client"].head_object(
        Bucket=s3_media["bucket"], Key=sorted(names)[0]
    )
    # Browsers and CDNs keep it until the rights moment, not a year.
    assert head["CacheControl"] == "public"
    assert head["Expires"] == MOMENT
    urls = [default_storage.url(image.file.name)] + [
        default_storage.url(name) for name in sorted(names)
    ]
    assert {http_status(u) for u in urls} == {200}
    assert shows(client, article.get_absolute_url(), image)

    clock.move_to(MOMENT, tick=False)
    assert run_jobs(django_capture_on_commit_callbacks) == 1
    assert keys(s3_media, "renditions/") == set()
    assert keys(s3_media, "images/") == set()
    # Kept, outside the public prefix, as a private object.
    assert keys(s3_media, "private/") == {f"private/{image.file.name}"}
    acl = s3_media["client"].get_object_acl(
        Bucket=s3_media["bucket"], Key=f"private/{image.file.name}"
    )
    assert all(g["Grantee"].get("Type") != "Group" for g in acl["Grants"])
    assert {http_status(u) for u in urls} == {404}
    assert not shows(client, article.get_absolute_url(), image)
    # Filling in missing renditions must not publish it again.
    call_command("make_renditions", stdout=open(os.devnull, "w"))
    assert keys(s3_media, "renditions/") == set()

    set_rights(image, date(2027, 2, 1), django_capture_on_commit_callbacks)
    assert keys(s3_media, "images/") == {image.file.name}
    assert keys(s3_media, "renditions/") == {
        spec_name(spec) for spec in specs_for(image)
    }
    assert keys(s3_media, "private/") == set()
    assert shows(client, article.get_absolute_url(), image)


# -- the real worker process --------------------------------------------------------


def test_a_db_worker_process_withholds_the_photo_at_its_moment(tmp_path):
    """``manage.py db_worker --batch`` in its own process, on its own SQLite
    database: the job is queued (in a process whose clock is set before the
    moment) and the worker, on the real clock, past the moment, runs it."""
    media = tmp_path / "media"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(media),
        "ENV_FILE": "",
        "DEBUG": "1",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }

    manage(env, "migrate", "-v0")
    queue = textwrap.dedent(
        """
        from datetime import date, datetime
        from zoneinfo import ZoneInfo
        import time_machine
        from tests.factories import ImageFactory
        from django_tasks_db.models import DBTaskResult

        with time_machine.travel(datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))):
            image = ImageFactory(file__width=800, file__height=600)
            image.rights_expires_at = date(2026, 1, 31)
            image.save()
        assert DBTaskResult.objects.count() == 1
        print(image.file.name)
        """
    )
    name = manage(env, "shell", "-c", queue).splitlines()[-1]
    assert (media / name).is_file()

    manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert not (media / name).exists()
    assert (Path(f"{media}-private") / name).is_file()


# -- through nginx with deploy/nginx.conf -------------------------------------------


def nginx_site(tmp: Path, *, app_port: int, port: int) -> Path:
    """deploy/nginx.conf as it ships, run here: ``/srv/newsroom`` is ``tmp``
    (so MEDIA_ROOT is ``tmp/media``), the app is the live server."""
    site = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    site = site.replace("/srv/newsroom/deploy/", f"{BASE_DIR}/deploy/")
    site = site.replace("/srv/newsroom", str(tmp))
    site = site.replace("/var/cache/nginx/newsroom", str(tmp / "nginx-cache"))
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = site.replace("server_name bao.example.vn;", "server_name 127.0.0.1;")
    conf = tmp / "nginx.conf"
    # The test runs as root; nginx's workers would otherwise be "nobody",
    # who cannot enter pytest's private temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\n"
        f"error_log {tmp}/nginx-error.log;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp}/body;\n"
        f" proxy_temp_path {tmp}/proxy;\n{site}\n}}\n"
    )
    return conf


@pytest.fixture
def nginx(live_server, tmp_path, settings, monkeypatch):
    """nginx in front of the live server with deploy/nginx.conf; yields a
    ``get(path) -> (status, headers)``."""
    import shutil

    from django.test.testcases import _MediaFilesHandler

    from tests.live import free_port, reachable, unavailable

    # The live server answers /media/ from MEDIA_ROOT itself; in production
    # only nginx does, and the app behind it is gunicorn with no such handler.
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)

    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        unavailable("nginx is not installed (apt-get install nginx)")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    port = free_port()
    app_port = int(live_server.url.rsplit(":", 1)[1])
    conf = nginx_site(tmp_path, app_port=app_port, port=port)
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(tmp_path)])
    for _ in range(100):
        if reachable(port):
            break
        process.poll()
        assert process.returncode is None, (tmp_path / "nginx-error.log").read_text()
        import time

        time.sleep(0.05)

    def get(path):
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}{path}", timeout=10
            ) as response:
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers

    yield get
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_through_nginx_the_files_of_an_expired_photo_are_gone(nginx, clock):
    free = ImageFactory(file__width=800, file__height=600)
    free_rendition = rendition_name(free.file.name, width=320, ext="webp")
    image = ImageFactory(file__width=1200, file__height=800)
    image.rights_expires_at = LAST_DAY
    image.save()  # a real commit: the job is queued
    limited = rendition_name(image.file.name, width=640, ext="webp", until=LAST_DAY)
    original = f"/media/{image.file.name}"

    # A photo without a date: made once by the app, then a file nginx serves
    # with a year of caching.
    assert nginx(f"/media/{free_rendition}")[0] == 200
    status, headers = nginx(f"/media/{free_rendition}")
    assert status == 200 and headers["Cache-Control"] == "max-age=31536000"
    # The rights-limited photo: the app answers every time, cached until the
    # moment only, even once the file exists on disk.
    for _ in range(2):
        status, headers = nginx(f"/media/{limited}")
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=50400"
    assert (Path(settings_media_root()) / limited).is_file()
    assert nginx(original)[0] == 200

    clock.move_to(MOMENT, tick=False)
    assert run_pending_jobs() == 1
    assert nginx(f"/media/{limited}")[0] == 404
    assert nginx(original)[0] == 404
    # The withheld original is beside MEDIA_ROOT, on no path nginx serves.
    assert (Path(f"{settings_media_root()}-private") / image.file.name).is_file()
    assert nginx(f"/media-private/{image.file.name}")[0] == 404
    assert nginx(f"/media/../media-private/{image.file.name}")[0] in {400, 404}
    assert nginx(f"/media/{free_rendition}")[0] == 200  # other photos untouched

    image.rights_expires_at = date(2027, 1, 31)
    image.save()
    assert nginx(original)[0] == 200
    extended = rendition_name(
        image.file.name, width=640, ext="webp", until=date(2027, 1, 31)
    )
    assert nginx(f"/media/{extended}")[0] == 200


def settings_media_root() -> str:
    from django.conf import settings

    return str(settings.MEDIA_ROOT)
