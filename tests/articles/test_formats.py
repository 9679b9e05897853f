from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from articles.templatetags.vi_format import relative_time, vi_date, vi_datetime

# 2023-10-18 23:36 UTC is 19/10/2023 06:36 in Asia/Ho_Chi_Minh (UTC+7).
SEED_TIME = datetime(2023, 10, 18, 23, 36, tzinfo=UTC)


def test_vi_datetime_prints_the_newspaper_format_in_vietnam_time():
    assert vi_datetime(SEED_TIME) == "19/10/2023 06:36"
    assert vi_date(SEED_TIME) == "19/10/2023"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 1, 1, 0, 5, tzinfo=UTC),
        datetime(2024, 12, 31, 17, 0, tzinfo=UTC),  # midnight in Vietnam
        datetime(2025, 2, 28, 16, 59, 59, tzinfo=UTC),
        datetime(2026, 7, 9, 3, 4, tzinfo=UTC),
    ],
)
def test_vi_datetime_matches_djangos_own_date_format(moment):
    local = timezone.localtime(moment)
    django = Template("{{ when|date:'d/m/Y H:i' }}|{{ when|date:'d/m/Y' }}")
    assert django.render(Context({"when": local})) == (
        f"{vi_datetime(moment)}|{vi_date(moment)}"
    )


def test_django_date_format_setting_is_overridden_for_vi():
    rendered = Template(
        "{{ when|date }} {{ when|date:'SHORT_DATETIME_FORMAT' }}"
    ).render(Context({"when": timezone.localtime(SEED_TIME)}))
    assert rendered == "19/10/2023 19/10/2023 06:36"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "vừa xong"),
        (timedelta(minutes=5), "5 phút trước"),
        (timedelta(hours=2, minutes=10), "2 giờ trước"),
        (timedelta(days=3, hours=2), "3 ngày trước"),
    ],
)
def test_relative_time_is_vietnamese(delta, text):
    now = timezone.now()
    assert relative_time(now - delta, now=now) == text


def test_relative_time_falls_back_to_the_date_after_a_week():
    now = datetime(2023, 11, 1, tzinfo=UTC)
    assert relative_time(SEED_TIME, now=now) == "19/10/2023 06:36"


def test_counts_are_grouped_with_dots_but_attributes_stay_plain():
    rendered = Template("{% load humanize %}{{ n|intcomma }} {{ n }}").render(
        Context({"n": 1234567})
    )
    assert rendered == "1.234.567 1234567"
