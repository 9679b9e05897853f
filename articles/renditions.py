"""Rendition names, URLs and storage.

A rendition's name is computed from the original's file name, the slot's crop,
the focal point and the width, so a page lists its ``srcset`` without asking
the database whether a rendition exists::

    renditions/images/2026/11/ky-ket-1a2b3c4d.jpg/w640.webp
    renditions/images/2026/11/ky-ket-1a2b3c4d.jpg/16x9-50-30-w640.jpg

Files are kept on the default storage (Django's storage API, so S3 works the
same as a local disk). A web server in front serves the ones that exist; a
missing one falls through to ``newsroom.site_views.rendition``, which makes it
once, stores it and answers with it. On object storage nothing falls through
unless a CDN is set to, so there a photo's renditions are made when it is saved
(``ensure_renditions``, ``MEDIA_RENDITIONS_ON_SAVE``). Either way the files
are on the shared storage, so every app server finds what another one made.
A name is never reused for other content (a new focal point or a new file
gives new names), so renditions are cached forever, except those of a photo
whose rights end: their names carry the rights' last day
(``.../r20261231-w640.webp``), so nginx and the bucket can tell them apart
and no browser or CDN keeps them past the rights moment
(``cache_control``; README, "Photos and renditions")::

    renditions/images/2026/11/ky-ket-1a2b3c4d.jpg/r20261231-16x9-50-30-w640.jpg
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from newsroom.media import IMMUTABLE

from .imaging import make_rendition, make_renditions

WIDTHS = (320, 640, 960, 1280, 1920)
RATIOS = {"16x9": (16, 9), "1x1": (1, 1)}
PREFIX = "renditions/"
ONE_YEAR = 365 * 24 * 60 * 60
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
# Pillow format for each rendition extension.
PIL_FORMATS = {"webp": "WEBP", "jpg": "JPEG", "png": "PNG"}

NAME_RE = re.compile(
    r"^renditions/"
    r"(?P<source>images/(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+\.(?:jpg|png|webp|gif))/"
    r"(?:r(?P<until>[0-9]{8})-)?"
    r"(?:(?P<ratio>16x9|1x1)-(?P<fx>[0-9]{1,3})-(?P<fy>[0-9]{1,3})-)?"
    r"w(?P<width>[1-9][0-9]{0,4})\.(?P<ext>webp|jpg|png)$"
)


def fallback_extension(source: str) -> str:
    """The non-WebP format for browsers without WebP: the original's, except
    GIF and WebP, which fall back to PNG so transparency survives."""
    ext = PurePosixPath(source).suffix.lstrip(".").lower()
    return "jpg" if ext in {"jpg", "jpeg"} else "png"


def box_size(width: int, height: int, ratio: str | None) -> tuple[int, int]:
    """The size of the part of the image a slot shows (the crop, or all of it)."""
    if ratio is None:
        return width, height
    rw, rh = RATIOS[ratio]
    if width * rh >= height * rw:
        return max(1, height * rw // rh), height
    return width, max(1, width * rh // rw)


def widths_for(width: int, height: int, ratio: str | None) -> list[int]:
    """The rendition widths of an image in a slot, never wider than the source."""
    box_w, _ = box_size(width, height, ratio)
    if box_w <= 0:
        return []
    widths = [w for w in WIDTHS if w <= box_w]
    if box_w < WIDTHS[-1] and box_w not in widths:
        widths.append(box_w)
    return widths


def rendition_name(
    source: str,
    *,
    width: int,
    ext: str,
    ratio: str | None = None,
    focal=(50, 50),
    until: date | None = None,
) -> str:
    """``until``: the last day of the photo's rights, for photos that have one."""
    spec = f"w{width}" if ratio is None else f"{ratio}-{focal[0]}-{focal[1]}-w{width}"
    if until is not None:
        spec = f"r{until:%Y%m%d}-{spec}"
    return f"{PREFIX}{source}/{spec}.{ext}"


def rights_moment(last_day: date) -> datetime:
    """When readers stop seeing a photo whose rights end on ``last_day``: the
    start of the next day in the site's time zone (Asia/Ho_Chi_Minh), the same
    moment as ``Image.rights_expired`` and the pages' ``timezone.localdate()``.
    """
    next_day = last_day + timedelta(days=1)
    return datetime.combine(next_day, time.min, tzinfo=timezone.get_default_timezone())


def cache_control(until: date | None, now: datetime | None = None) -> str:
    """``Cache-Control`` for a rendition: a year for a photo without a rights
    date; otherwise no longer than until the rights moment, so no browser or
    CDN shows the photo after it."""
    if until is None:
        return IMMUTABLE
    now = now or timezone.now()
    seconds = int((rights_moment(until) - now).total_seconds())
    return f"public, max-age={max(0, min(seconds, ONE_YEAR))}"


@dataclass(frozen=True)
class RenditionSpec:
    source: str
    width: int
    ext: str
    ratio: str | None
    focal: tuple[int, int] | None
    until: date | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]


def parse_name(name: str) -> RenditionSpec | None:
    """The parts of a rendition name, or None if it is not one we make."""
    match = NAME_RE.match(name)
    if not match or ".." in name:
        return None
    until = None
    if match["until"]:
        try:
            until = date.fromisoformat(match["until"])  # YYYYMMDD
        except ValueError:
            return None
    focal = None
    if match["ratio"]:
        focal = (int(match["fx"]), int(match["fy"]))
        if max(focal) > 100:
            return None
    return RenditionSpec(
        source=match["source"],
        width=int(match["width"]),
        ext=match["ext"],
        ratio=match["ratio"],
        focal=focal,
        until=until,
    )


def spec_allowed(spec: RenditionSpec, image) -> bool:
    """True when ``image`` (the library row) would list this rendition itself.

    Anything else is refused, so a stranger cannot fill the disk with made-up
    widths, crops or focal points.
    """
    if spec.ext not in {"webp", fallback_extension(spec.source)}:
        return False
    if spec.until != image.rights_expires_at:
        return False
    if spec.ratio is not None and spec.focal != image.focal_point:
        return False
    return spec.width in widths_for(image.width, image.height, spec.ratio)


def rendition_bytes(spec: RenditionSpec, storage=None) -> bytes:
    """The rendition's bytes, made from the original and stored the first time."""
    storage = storage or default_storage
    name = spec_name(spec)
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read()
    with storage.open(spec.source, "rb") as original:
        data = make_rendition(
            original,
            width=spec.width,
            fmt=PIL_FORMATS[spec.ext],
            ratio=RATIOS[spec.ratio] if spec.ratio else None,
            focal=spec.focal or (50, 50),
        )
    _store(storage, name, data)
    return data


def _store(storage, name: str, data: bytes, *, known_missing=False) -> None:
    """Save a rendition under exactly ``name``, once.

    Two app servers may make the same rendition at once; the second keeps the
    first's file (same bytes) rather than a renamed copy nobody links to.
    """
    if not known_missing and storage.exists(name):
        return
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        storage.delete(saved)


def specs_for(image) -> list[RenditionSpec]:
    """Every rendition a page may list for the library photo ``image``:
    each crop (none, 16:9, 1:1) at each width, in WebP and the fallback."""
    source = image.file.name
    fallback = fallback_extension(source)
    return [
        RenditionSpec(
            source=source,
            width=width,
            ext=ext,
            ratio=ratio,
            focal=image.focal_point if ratio else None,
            until=image.rights_expires_at,
        )
        for ratio in (None, *RATIOS)
        for width in widths_for(image.width, image.height, ratio)
        for ext in ("webp", fallback)
    ]


def spec_name(spec: RenditionSpec) -> str:
    return rendition_name(
        spec.source,
        width=spec.width,
        ext=spec.ext,
        ratio=spec.ratio,
        focal=spec.focal or (50, 50),
        until=spec.until,
    )


def ensure_renditions(image, storage=None) -> list[str]:
    """Make the renditions of ``image`` the storage lacks; return their names.

    One listing finds what exists (made earlier, or by another app server);
    the original is read and decoded once for all the missing ones.
    """
    storage = storage or default_storage
    if not image.file or not image.width or image.rights_expired():
        # An expired photo's files are withheld (articles.rights_expiry):
        # making renditions would publish it again.
        return []
    source = image.file.name
    try:
        _, files = storage.listdir(f"{PREFIX}{source}")
    except (FileNotFoundError, NotImplementedError, OSError):
        files = []
    present = {f"{PREFIX}{source}/{file_name}" for file_name in files}
    missing = [spec for spec in specs_for(image) if spec_name(spec) not in present]
    if not missing:
        return []
    with storage.open(source, "rb") as original:
        made = make_renditions(
            original,
            [
                (
                    spec.width,
                    PIL_FORMATS[spec.ext],
                    RATIOS[spec.ratio] if spec.ratio else None,
                    spec.focal or (50, 50),
                )
                for spec in missing
            ],
        )
    names = [spec_name(spec) for spec in missing]
    for name, data in zip(names, made, strict=True):
        _store(storage, name, data, known_missing=True)
    return names


def _stored_renditions(source: str, storage) -> list[str]:
    """The names of every rendition of ``source`` in ``storage``."""
    folder = f"{PREFIX}{source}"
    try:
        _, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return []
    return [f"{folder}/{file_name}" for file_name in files]


def delete_stale_renditions(image, storage=None) -> int:
    """Remove the renditions of ``image`` no page lists any more: those of an
    earlier rights date, or from before it had one (served for a year by
    nginx and the bucket), and earlier focal points. How many went."""
    storage = storage or default_storage
    current = {spec_name(spec) for spec in specs_for(image)}
    stale = [
        name
        for name in _stored_renditions(image.file.name, storage)
        if name not in current
    ]
    for name in stale:
        storage.delete(name)
    return len(stale)


def delete_renditions(source: str, storage=None) -> int:
    """Remove every rendition of ``source``; how many there were."""
    storage = storage or default_storage
    names = _stored_renditions(source, storage)
    for name in names:
        storage.delete(name)
    return len(names)
