"""Photos on a phone: which files a 360-px-wide screen downloads, and their weight.

The figures printed here (run with ``-s``) are the ones quoted in the README.
"""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.importer import figure_html
from articles.models import Image
from tests import images as make
from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}


def library_photo(seed: int) -> Image:
    image = Image(alt=f"Ảnh {seed}", caption=f"Chú thích {seed}", credit="Tòa soạn")
    data = make.encode(make.photo(4000, 3000, seed=seed), "JPEG", quality=92)
    image.file.save(f"anh-{seed}.jpg", ContentFile(data), save=False)
    image.save()
    return image


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_a_360px_phone_downloads_small_webp_renditions(
    browser, live_server, transactional_db, scale
):
    cover = library_photo(1)
    body_photos = [library_photo(seed) for seed in (2, 3)]
    article = PublishedArticleFactory(
        cover=cover,
        published_at=timezone.now(),
        body="".join(
            f"<p>Đoạn {i}.</p>" * 8 + figure_html(p) for i, p in enumerate(body_photos)
        ),
    )
    originals = sum(image.file.size for image in [cover, *body_photos])

    context = browser.new_context(
        viewport=PHONE_360, device_scale_factor=scale, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    images = {}
    page.on(
        "response",
        lambda r: images.__setitem__(r.url, r) if "/media/" in r.url else None,
    )
    page.goto(live_server.url + article.get_absolute_url(), wait_until="load")
    # Scroll through the article so the lazy figures load too.
    for _ in range(20):
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")

    downloaded = {url: len(r.body()) for url, r in images.items() if r.status == 200}
    context.close()
    total = sum(downloaded.values())
    print(  # noqa: T201 - the figures the README quotes, shown with -s
        f"\n360 px phone at {scale}x: {len(downloaded)} images, {total:,} bytes; "
        f"the 3 uploads: {originals:,} bytes ({total / originals:.1%})"
    )
    for url, size in sorted(downloaded.items()):
        print(f"  {size:>9,}  {url.rsplit('/', 2)[-1]}")  # noqa: T201
    assert len(downloaded) == 3
    assert all(url.endswith(".webp") for url in downloaded)
    assert not any(image.file.url in url for url in downloaded for image in [cover])
    assert total < originals / 5
