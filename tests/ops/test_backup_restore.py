"""The restore drill of docs/deployment.md ("Backups"), run for real.

A fresh PostgreSQL database gets the demo (``migrate`` + ``load_demo``); a real
gunicorn serves home, the reference article, a section, the feed and a photo,
and a rendition, and their bodies are recorded. Then the backup exactly as
deployed: ``deploy/backup.sh`` (``pg_dump --format=custom`` and a tarball of
MEDIA_ROOT without renditions). The database is dropped and the media folder
deleted; the documented restore (``pg_restore`` into a new, empty database,
the tarball unpacked) and a new gunicorn must serve the same bytes, the
rendition remade from the restored original.

Compared byte for byte: nothing on these pages depends on the time of the
render (the comment form's time-trap token is asked for by its script, not
printed in the page). Both servers listen on the same
address, since pages print absolute URLs (canonical, og:url, share links). The
page cache is off so every page is rendered from the restored database, not
from memory.
"""

import os
import re
import secrets
import shutil
import subprocess
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.live import free_port, gunicorn, manage, production_env, stop, unavailable

BASE_DIR = Path(__file__).resolve().parents[2]
RENDITION_RE = re.compile(
    r'og:image" content="https?://[^/]+(/media/renditions/[^"]+)"'
)


def _postgresql():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the restore drill is for PostgreSQL (set DATABASE_URL)")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (apt-get install postgresql-client)")
    return db


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Site:
    """``manage.py`` and gunicorn against one database and media folder."""

    def __init__(self, db: dict, name: str, media: Path):
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        self.url = f"postgres://{auth}@{host}:{port}/{name}"
        # The same address before and after: pages print absolute URLs.
        self.port = free_port()
        self.env = production_env(
            "restore-drill-" + secrets.token_urlsafe(32),
            SERVE_MEDIA="1",
            PAGE_CACHE_ENABLED="0",
            DATABASE_URL=self.url,
            MEDIA_ROOT=str(media),
        )
        self.env.pop("DATABASE_REPLICA_URL", None)
        self.env.pop("REDIS_URL", None)  # local memory: nothing outlives gunicorn

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def pages(self, paths: list[str]) -> dict[str, tuple[int, bytes]]:
        server = gunicorn(self.env, self.port, workers=1)
        try:
            base = f"http://127.0.0.1:{self.port}"
            return {path: _get(base + path) for path in paths}
        finally:
            stop(server)


def _admin(db: dict) -> dict:
    return {
        "dbname": "postgres",
        "user": db["USER"],
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "autocommit": True,
    }


def test_backup_and_restore_serve_the_same_site(tmp_path):
    db = _postgresql()
    name = f"{db['NAME']}_restore_{os.getpid()}"
    media = tmp_path / "media"
    media.mkdir()
    admin = _admin(db)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        site = Site(db, name, media)
        site.manage("migrate", "--noinput", "-v0")
        site.manage("collectstatic", "--noinput", "-v0")
        site.manage("load_demo", "--password-file", str(tmp_path / "admin-password"))
        with psycopg.connect(**{**admin, "dbname": name}) as conn:
            article = conn.execute(
                "SELECT a.id, a.slug, c.slug FROM articles_article a"
                " JOIN articles_category c ON c.id = a.category_id"
                " WHERE a.title LIKE 'Hà Nội và TP.HCM hợp tác toàn diện%'"
            ).fetchone()
            photo = conn.execute(
                "SELECT file FROM articles_image ORDER BY id LIMIT 1"
            ).fetchone()
        assert article and photo, "the demo has the reference article and a photo"
        paths = [
            "/",
            f"/{article[2]}/{article[1]}-{article[0]}.html",
            f"/{article[2]}/",
            "/rss.xml",
            f"/media/{photo[0]}",
        ]
        before = site.pages(paths)
        # A rendition the article page uses: not in the backup, remade on request.
        rendition = RENDITION_RE.search(before[paths[1]][1].decode()).group(1)
        paths.append(rendition)
        before.update(site.pages([rendition]))
        for path, (status, _) in before.items():
            assert status == 200, path
        assert "Hà Nội và TP.HCM hợp tác toàn diện" in before[paths[1]][1].decode()

        # The backup: deploy/backup.sh, what `make backup` and the timer run.
        backups = tmp_path / "backups"
        out = subprocess.run(
            [str(BASE_DIR / "deploy" / "backup.sh")],
            env={**site.env, "BACKUP_DIR": str(backups)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        dump = next(Path(p) for p in out if p.endswith(".dump"))
        media_tar = next(Path(p) for p in out if p.endswith(".tar.gz"))
        with tarfile.open(media_tar) as tar:
            names = tar.getnames()
        assert f"media/{photo[0]}" in names
        assert not [n for n in names if n.startswith("media/renditions/")]

        # Disaster: the database and the media are gone.
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        shutil.rmtree(media)

        # The restore, as docs/deployment.md runs it.
        subprocess.run(
            [
                *("pg_restore", "--no-owner", "--exit-on-error"),
                *("--dbname", site.url, str(dump)),
            ],
            check=True,
        )
        subprocess.run(
            ["tar", "--extract", "--gzip", "--file", str(media_tar), "-C", tmp_path],
            check=True,
        )
        site.manage("migrate", "--check")  # the schema is complete

        after = site.pages(paths)
        for path in paths:
            assert after[path][0] == 200, path
            assert after[path][1] == before[path][1], path
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
