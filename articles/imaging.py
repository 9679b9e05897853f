"""Pillow work on library photos: checking uploads, cleaning masters, renditions.

Pure functions on bytes and file objects; storage and naming live in
``articles.renditions``. Every file we store or serve is re-encoded by Pillow,
so nothing of an upload survives but its pixels: no EXIF (GPS included), no
XMP, no IPTC, no comments or PNG text chunks, no colour profile (the pixels are
converted to sRGB first), no appended script (polyglots).

Pillow's threat model (https://pillow.readthedocs.io/en/latest/handbook/security.html):
the format is sniffed from the bytes and limited to an allow-list (so EPS never
reaches Ghostscript), a decompression bomb is refused from its header before a
single pixel is decoded, and the whole file is decoded while checking it, so a
truncated file is refused at upload instead of failing later on a page.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

# Pillow format name -> the extensions an honest file of that format carries.
FORMATS = {
    "JPEG": {"jpg", "jpeg"},
    "PNG": {"png"},
    "WEBP": {"webp"},
    "GIF": {"gif"},
}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# 50 megapixels (all frames together) is more than any camera a newsroom uses
# (a 45 MP full-frame body) and far below what would exhaust a worker's memory.
DEFAULT_MAX_PIXELS = 50_000_000

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def max_bytes() -> int:
    return getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


@dataclass(frozen=True)
class CheckedImage:
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF
    width: int
    height: int
    frames: int

    @property
    def extension(self) -> str:
        return EXTENSION[self.format]


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def _bomb_error(width: int, height: int, frames: int = 1) -> ValidationError:
    megapixels = width * height * frames / 1_000_000
    return ValidationError(
        _(
            "Ảnh quá lớn: %(w)d × %(h)d điểm ảnh%(frames)s (%(mp).0f megapixel), "
            "vượt giới hạn %(limit).0f megapixel. Hãy thu nhỏ ảnh rồi tải lên lại."
        )
        % {
            "w": width,
            "h": height,
            "frames": f" × {frames} khung hình" if frames > 1 else "",
            "mp": megapixels,
            "limit": max_pixels() / 1_000_000,
        },
        code="too_many_pixels",
    )


def check_image(file, name: str = "") -> CheckedImage:
    """Check an upload and return what it is, or raise ``ValidationError``.

    Accepted: a JPEG, PNG, WebP or GIF that Pillow decodes completely, whose
    extension (when ``name`` has one) matches its real format, within the byte
    and pixel limits. The message says in Vietnamese what is wrong.
    """
    size = _size_of(file)
    if size == 0:
        raise ValidationError(_("Tệp rỗng, không có nội dung."), code="empty")
    if size > max_bytes():
        raise ValidationError(
            _("Tệp quá lớn (%(size)s); giới hạn là %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            code="too_large",
        )
    file.seek(0)
    not_an_image = ValidationError(
        _(
            "Tệp không phải ảnh JPEG, PNG, WebP hoặc GIF hợp lệ "
            "(ảnh SVG, HTML và các định dạng khác không được nhận)."
        ),
        code="invalid_image",
    )
    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x its own limit: make it an error.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            picture = PILImage.open(file, formats=list(FORMATS))
        except (PILImage.DecompressionBombWarning, PILImage.DecompressionBombError):
            raise ValidationError(
                _("Ảnh quá lớn (số điểm ảnh vượt giới hạn an toàn)."),
                code="too_many_pixels",
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise not_an_image from None
        with picture:
            # A multi-picture JPEG (phones append a depth or gain map, with its
            # own metadata, after the first image) is a JPEG: we keep the first.
            fmt = "JPEG" if picture.format == "MPO" else picture.format
            width, height = picture.size
            if width * height > max_pixels():
                raise _bomb_error(width, height)
            suffix = PurePath(name).suffix.lower().lstrip(".")
            if suffix and suffix not in FORMATS[fmt]:
                raise ValidationError(
                    _(
                        "Đuôi tệp .%(suffix)s không khớp nội dung: đây là ảnh "
                        "%(format)s. Hãy đổi tên tệp cho đúng rồi tải lên lại."
                    )
                    % {"suffix": suffix, "format": fmt},
                    code="wrong_extension",
                )
            frames = getattr(picture, "n_frames", 1)
            if width * height * frames > max_pixels():
                raise _bomb_error(width, height, frames)
            try:
                for frame in range(frames):
                    picture.seek(frame)
                    picture.load()
            except (OSError, SyntaxError, ValueError, EOFError):
                raise ValidationError(
                    _("Tệp ảnh bị hỏng hoặc không trọn vẹn (bị cắt cụt)."),
                    code="corrupt",
                ) from None
            except (
                PILImage.DecompressionBombWarning,
                PILImage.DecompressionBombError,
            ):
                raise _bomb_error(width, height, frames) from None
            return CheckedImage(fmt, width, height, frames)


def to_srgb(picture: PILImage.Image) -> PILImage.Image:
    """``picture`` upright, in sRGB, in a mode the web formats can store.

    EXIF orientation is applied to the pixels (and so no longer needed); an
    embedded colour profile (Adobe RGB, Display P3, CMYK) is converted to sRGB;
    CMYK and other modes become RGB, with transparency kept as RGBA.
    """
    picture = ImageOps.exif_transpose(picture)
    icc = picture.info.get("icc_profile")
    # A palette or a colour key (PNG tRNS) is transparency too: keep it as an
    # alpha channel, since the info it lives in is dropped below.
    has_alpha = picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if picture.mode not in {"RGB", "RGBA", "CMYK", "L"}:
                picture = picture.convert("RGBA" if has_alpha else "RGB")
            out_mode = "RGBA" if picture.mode == "RGBA" else "RGB"
            picture = ImageCms.profileToProfile(
                picture, source, _SRGB, outputMode=out_mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile: keep the pixels as they are.
    target = "RGBA" if has_alpha else "RGB"
    if picture.mode != target:
        picture = picture.convert(target)
    # Every key left in ``info`` is a metadata carrier some Pillow writer picks
    # up on its own (the JPEG writer copies ``comment``, the PNG writer
    # ``icc_profile``): crops and resizes inherit it, so empty it at the root.
    picture.info = {}
    return picture


def encode(picture: PILImage.Image, fmt: str, *, quality: int) -> bytes:
    """Encode with no metadata at all: pixels, and what decoding them needs.

    Every carrier a writer would take from ``picture.info`` is passed empty
    (EXIF, XMP, ICC profile, JPEG comment, PNG text chunks), so the result is
    bare even for an image that did not go through ``to_srgb``. An sRGB image
    without a profile is what browsers assume, so nothing is lost. No ``dpi``
    either: pages size photos in pixels, so a density is only a fingerprint.
    """
    bare = {"exif": b"", "icc_profile": None}
    buffer = io.BytesIO()
    if fmt == "JPEG":
        if picture.mode != "RGB":
            # JPEG has no transparency: flatten onto white, as a page would show it.
            background = PILImage.new("RGB", picture.size, "white")
            background.paste(picture, mask=picture.getchannel("A"))
            picture = background
        picture.save(
            buffer,
            "JPEG",
            quality=quality,
            optimize=True,
            progressive=True,
            comment=b"",
            xmp=None,
            extra=b"",
            **bare,
        )
    elif fmt == "PNG":
        picture.save(
            buffer,
            "PNG",
            optimize=True,
            pnginfo=None,
            dpi=None,
            transparency=None,
            **bare,
        )
    elif fmt == "WEBP":
        picture.save(buffer, "WEBP", quality=quality, method=4, xmp=b"", **bare)
    else:
        raise ValueError(f"unsupported output format {fmt}")
    return buffer.getvalue()


def clean_master(file, name: str = "") -> tuple[bytes, str]:
    """Check ``file`` and return the stored original's bytes and extension.

    The original a newsroom keeps is re-encoded too: upright, sRGB, without
    EXIF/GPS (source protection: a reporter's phone photo carries where it was
    taken) and without anything appended to the pixels. An animated GIF keeps
    its frames; every other file keeps only its first frame.
    """
    checked = check_image(file, name)
    file.seek(0)
    with PILImage.open(file, formats=list(FORMATS)) as picture:
        if checked.format == "GIF" and checked.frames > 1:
            buffer = io.BytesIO()
            loop = picture.info.get("loop", 0)
            duration = picture.info.get("duration", 100)
            # The GIF writer copies every key of the first frame's ``info``
            # into the file (comments included), so keep only palette indexes.
            kept = {
                key: picture.info[key]
                for key in ("transparency", "background")
                if key in picture.info
            }
            picture.info.clear()
            picture.info.update(kept)
            picture.save(
                buffer,
                "GIF",
                save_all=True,
                loop=loop,
                duration=duration,
                comment=b"",
            )
            return buffer.getvalue(), "gif"
        upright = to_srgb(picture)
        if checked.format == "GIF":
            return encode(upright, "PNG", quality=0), "png"
        return encode(upright, checked.format, quality=90), checked.extension


def crop_box(
    width: int, height: int, ratio: tuple[int, int], focal: tuple[int, int]
) -> tuple[int, int, int, int]:
    """The largest ``ratio`` box inside ``width`` x ``height`` around ``focal``.

    ``focal`` is in percent of the width and height; the box is centred on it
    as far as the image's edges allow.
    """
    rw, rh = ratio
    if width * rh >= height * rw:
        box_w, box_h = max(1, height * rw // rh), height
    else:
        box_w, box_h = width, max(1, width * rh // rw)
    cx, cy = width * focal[0] / 100, height * focal[1] / 100
    left = min(max(round(cx - box_w / 2), 0), width - box_w)
    top = min(max(round(cy - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def make_rendition(
    file,
    *,
    width: int,
    fmt: str,
    ratio: tuple[int, int] | None = None,
    focal: tuple[int, int] = (50, 50),
) -> bytes:
    """One rendition of the image in ``file``: ``width`` pixels wide, never more
    than the source (or its crop) has, cropped to ``ratio`` around ``focal``.
    """
    return make_renditions(file, [(width, fmt, ratio, focal)])[0]


def make_renditions(file, specs) -> list[bytes]:
    """Several renditions of the image in ``file``, decoding it once.

    ``specs`` holds ``(width, fmt, ratio, focal)`` tuples as ``make_rendition``
    takes them; the result is their bytes in the same order.
    """
    widest = max(width for width, *_ in specs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        with PILImage.open(file, formats=list(FORMATS)) as picture:
            if picture.width * picture.height > max_pixels():
                raise _bomb_error(picture.width, picture.height)
            # JPEG can decode at 1/2, 1/4, 1/8 scale: far less work and memory
            # for a small rendition of a large photo.
            if picture.format == "JPEG":
                picture.draft(None, (widest * 2, widest * 2))
            upright = to_srgb(picture)
    made = []
    for width, fmt, ratio, focal in specs:
        picture = upright
        if ratio is not None:
            picture = picture.crop(crop_box(*picture.size, ratio, focal))
        if width < picture.width:
            height = max(1, round(picture.height * width / picture.width))
            picture = picture.resize((width, height), PILImage.Resampling.LANCZOS)
        quality = 80 if fmt == "WEBP" else 82
        made.append(encode(picture, fmt, quality=quality))
    return made
