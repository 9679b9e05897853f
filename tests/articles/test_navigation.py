"""The section menu marks where the reader is, in all three places it appears."""

import re

import pytest

from tests.factories import CategoryFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections():
    news = CategoryFactory(name="Thời sự", slug="thoi-su", position=1)
    sport = CategoryFactory(name="Thể thao", slug="the-thao", position=2)
    football = CategoryFactory(name="Bóng đá", slug="bong-da", parent=news)
    return news, sport, football


def marks(client, url):
    """{section name: aria-current value or None} for each menu, in order."""
    html = client.get(url).content.decode()
    menus = re.findall(
        r"<ul>\s*<li><a href=\"/\">Trang chủ</a></li>(.*?)</ul>", html, re.S
    )
    return [
        {
            name: current or None
            for current, name in re.findall(
                r'<li><a href="[^"]+"(?: aria-current="(\w+)")?>([^<]+)</a></li>', menu
            )
        }
        for menu in menus
    ]


def test_home_marks_no_section(client, sections):
    found = marks(client, "/")
    assert len(found) == 3
    assert all(menu == {"Thời sự": None, "Thể thao": None} for menu in found)


def test_a_section_page_is_the_current_page(client, sections):
    found = marks(client, "/thoi-su/")
    assert found == [{"Thời sự": "page", "Thể thao": None}] * 3


def test_a_sub_section_marks_its_parent(client, sections):
    assert marks(client, "/bong-da/") == [{"Thời sự": "true", "Thể thao": None}] * 3


@pytest.mark.parametrize("where", [0, 2])
def test_an_article_marks_its_section_or_parent_section(client, sections, where):
    article = PublishedArticleFactory(category=sections[where])
    found = marks(client, article.get_absolute_url())
    assert found == [{"Thời sự": "true", "Thể thao": None}] * 3


def test_names_are_escaped(client, sections):
    CategoryFactory(name="<b>Mục</b>", slug="muc-la", position=3)
    html = client.get("/").content.decode()
    assert "&lt;b&gt;Mục&lt;/b&gt;" in html and "<b>Mục</b>" not in html
