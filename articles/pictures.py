"""Responsive ``<picture>`` markup for library photos, in slots and in bodies.

A slot is where a photo appears on a page: its crop (16:9 cover and cards, 1:1
thumbnails, none in the body) and the ``sizes`` the layout gives it. Markup is
built from the photo's file name, size and focal point only, so a listing of
50 cards asks the database nothing more than the cards' own query.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .renditions import NAME_RE, fallback_extension, rendition_name, widths_for

ARTICLE_SIZES = "(min-width: 48rem) 36rem, calc(100vw - 2rem)"


@dataclass(frozen=True)
class Slot:
    ratio: str | None
    sizes: str
    # The widest rendition worth listing: the slot's largest CSS width on a
    # 3x screen. Wider files would never be chosen.
    max_width: int = 1920


SLOTS = {
    "cover": Slot("16x9", ARTICLE_SIZES),
    "body": Slot(None, ARTICLE_SIZES),
    "lead": Slot("16x9", "(min-width: 60rem) 36rem, calc(100vw - 2rem)"),
    "card": Slot(
        "16x9", "(min-width: 60rem) 17rem, (min-width: 36rem) 50vw, 100vw", 1280
    ),
    "thumb": Slot("1x1", "6.5rem", 320),
}
# The fallback <img src> for browsers that ignore srcset: a phone-sized file.
FALLBACK_WIDTH = 640
BODY_CACHE_TIMEOUT = 24 * 60 * 60

IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTR_RE = re.compile(r'([a-zA-Z][-a-zA-Z0-9]*)="([^"]*)"')
FIGURE_OR_IMG_RE = re.compile(
    r"(?P<figure><figure\b[^>]*>.*?</figure>)|(?P<img><img\b[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)


def media_prefixes() -> list[str]:
    """The URL prefixes media names are found behind: the storage's own (S3 or
    a custom domain) and the app's ``MEDIA_URL``, which bodies written before
    media moved to object storage still hold."""
    prefixes = [default_storage.url("")]
    if settings.MEDIA_URL not in prefixes:
        prefixes.append(settings.MEDIA_URL)
    return prefixes


def library_source(src: str) -> str | None:
    """The storage name of a library photo from its URL, or None."""
    prefix = next((p for p in media_prefixes() if src.startswith(p)), None)
    if prefix is None:
        return None
    source = src[len(prefix) :]
    # Reuse the rendition pattern so only names we could have made match.
    if not NAME_RE.match(f"renditions/{source}/w1.webp"):
        return None
    return source


def picture_html(
    *,
    source: str,
    width: int,
    height: int,
    alt: str,
    slot: str,
    focal: tuple[int, int] = (50, 50),
    eager: bool = False,
    until: date | None = None,
) -> SafeString:
    """``<picture>`` with a WebP ``srcset`` and one in the original's format.

    ``width``/``height`` on the ``<img>`` are the slot's shape, so the browser
    reserves the space before a byte arrives (no layout shift). Eager images
    (the cover, the first photo on the page) get ``fetchpriority="high"``;
    the rest load lazily. ``until``, the last day of the photo's rights, goes
    into the rendition names (``articles.renditions``).
    """
    spec = SLOTS[slot]
    widths = widths_for(width, height, spec.ratio)
    if not widths:
        return mark_safe("")
    widths = [w for w in widths if w <= spec.max_width] or widths[:1]
    if spec.ratio is None:
        box_w, box_h = width, height
    else:
        rw, rh = (int(part) for part in spec.ratio.split("x"))
        box_w, box_h = widths[-1], max(1, round(widths[-1] * rh / rw))

    def url(w, ext):
        name = rendition_name(
            source, width=w, ext=ext, ratio=spec.ratio, focal=focal, until=until
        )
        return default_storage.url(name)

    def srcset(ext):
        return ", ".join(f"{url(w, ext)} {w}w" for w in widths)

    fallback = fallback_extension(source)
    src_width = next((w for w in widths if w >= FALLBACK_WIDTH), widths[-1])
    loading = (
        mark_safe(' fetchpriority="high" decoding="async"')
        if eager
        else mark_safe(' loading="lazy" decoding="async"')
    )
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}"{}>'
        "</picture>",
        srcset("webp"),
        spec.sizes,
        url(src_width, fallback),
        srcset(fallback),
        spec.sizes,
        alt,
        box_w,
        box_h,
        loading,
    )


def image_picture(image, slot: str, *, alt: str | None = None, eager=False) -> str:
    """The ``<picture>`` for a library ``Image`` row, or "" when it must not show.

    A photo whose rights have expired is not served to readers.
    """
    if image is None or not image.file or not image.width or image.rights_expired():
        return ""
    return picture_html(
        source=image.file.name,
        width=image.width,
        height=image.height,
        alt=image.alt if alt is None else alt,
        slot=slot,
        focal=image.focal_point,
        eager=eager,
        until=image.rights_expires_at,
    )


def share_image_url(image) -> str:
    """A 16:9 rendition about 1200 px wide for ``og:image`` (social cards)."""
    if image is None or not image.file or not image.width or image.rights_expired():
        return ""
    widths = [w for w in widths_for(image.width, image.height, "16x9") if w <= 1280]
    name = rendition_name(
        image.file.name,
        width=widths[-1],
        ext=fallback_extension(image.file.name),
        ratio="16x9",
        focal=image.focal_point,
        until=image.rights_expires_at,
    )
    return default_storage.url(name)


def _attrs(tag: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value) for name, value in ATTR_RE.findall(tag)}


def _rewrite_img(tag: str, *, eager: bool, expired: frozenset, rights: dict) -> str:
    attrs = _attrs(tag)
    source = library_source(attrs.get("src", ""))
    if source in expired:
        return ""
    last_day = rights.get(source)
    width, height = attrs.get("width", ""), attrs.get("height", "")
    if source and width.isdigit() and height.isdigit() and int(width) > 0:
        return picture_html(
            source=source,
            width=int(width),
            height=int(height),
            alt=attrs.get("alt", ""),
            slot="body",
            eager=eager,
            until=date.fromisoformat(last_day) if last_day else None,
        )
    extra = ' fetchpriority="high"' if eager else ' loading="lazy"'
    return f'{tag[:-1].rstrip("/ ")}{extra} decoding="async">'


def body_sources(body: str) -> list[str]:
    """Storage names of the library photos in ``body``, in order, once each."""
    found = (library_source(_attrs(tag).get("src", "")) for tag in IMG_RE.findall(body))
    return list(dict.fromkeys(source for source in found if source))


def responsive_body(
    body: str, *, first_eager: bool = False, expired=frozenset(), rights=None
) -> SafeString:
    """``body`` with each library photo as a responsive ``<picture>``.

    Figures whose photo is in ``expired`` (rights ended) are dropped whole;
    ``rights`` (``Article.body_image_rights``) gives the others' last days,
    which their rendition names carry.
    The first photo is eager when ``first_eager`` (no cover above it). The
    result is cached by the body's content, so a warm page does no parsing.
    """
    expired = frozenset(expired)
    rights = dict(rights or {})
    digest = hashlib.blake2b(
        "\0".join(
            [body, str(first_eager), *sorted(expired)]
            + [f"{name}={day}" for name, day in sorted(rights.items())]
        ).encode(),
        digest_size=16,
    ).hexdigest()
    key = f"body:picture:v2:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return mark_safe(cached)
    state = {"eager": first_eager}

    def replace(match):
        eager = state["eager"]
        state["eager"] = False
        if match["img"]:
            return _rewrite_img(
                match["img"], eager=eager, expired=expired, rights=rights
            )
        figure = match["figure"]
        tags = IMG_RE.findall(figure)
        if not tags:
            return figure
        rewritten = _rewrite_img(tags[0], eager=eager, expired=expired, rights=rights)
        if not rewritten:
            return ""
        return figure.replace(tags[0], rewritten, 1)

    result = FIGURE_OR_IMG_RE.sub(replace, body)
    cache.set(key, result, BODY_CACHE_TIMEOUT)
    return mark_safe(result)


def images_missing_alt(body: str) -> list[str]:
    """The ``src`` of every ``<img>`` in ``body`` without alt text."""
    missing = []
    for tag in IMG_RE.findall(body):
        attrs = _attrs(tag)
        if not attrs.get("alt", "").strip():
            missing.append(attrs.get("src", ""))
    return missing


def _unsized_tags(body: str) -> list[str]:
    """The ``<img>`` tags of library photos in ``body`` that carry no width."""
    return [
        tag
        for tag in IMG_RE.findall(body)
        if library_source(_attrs(tag).get("src", ""))
        and not _attrs(tag).get("width", "").isdigit()
    ]


def unsized_sources(body: str) -> set[str]:
    """Storage names of the library photos in ``body`` without a size: the
    editor's image dialog inserts only ``src`` and ``alt``."""
    return {library_source(_attrs(tag)["src"]) for tag in _unsized_tags(body)}


def with_image_sizes(body: str, sizes: dict[str, tuple[int, int]]) -> str:
    """``body`` with width and height added to library photos that lack them.

    ``sizes`` maps storage names to (width, height), as
    ``Image.objects.sizes_of(unsized_sources(body))`` gives them. The page
    needs the size to list renditions and reserve the space.
    """
    tags = _unsized_tags(body)
    for tag in tags:
        size = sizes.get(library_source(_attrs(tag)["src"]))
        if not size:
            continue
        bare = re.sub(r'\s(?:width|height)="[^"]*"', "", tag)
        sized = f'{bare[:-1].rstrip("/ ")} width="{size[0]}" height="{size[1]}">'
        body = body.replace(tag, sized)
    return body


def expired_sources(article, today: date) -> frozenset:
    """Library photos in the article's body whose rights have ended.

    No query: the article row keeps its photos' rights dates
    (``Article.body_image_rights``), refreshed when a photo's rights change.
    """
    today_iso = today.isoformat()
    return frozenset(
        name
        for name, last_day in (article.body_image_rights or {}).items()
        if last_day < today_iso
    )
