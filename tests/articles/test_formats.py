from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from articles.templatetags.vi_format import iso_datetime, vi_date, vi_datetime

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


def test_iso_datetime_is_vietnam_time_in_whole_seconds():
    # HTML's datetime attribute allows three digits of a second at most.
    stamped = SEED_TIME.replace(second=17, microsecond=966683)
    assert iso_datetime(stamped) == "2023-10-19T06:36:17+07:00"
    assert iso_datetime(None) == ""


def test_counts_are_grouped_with_dots_but_attributes_stay_plain():
    rendered = Template("{% load humanize %}{{ n|intcomma }} {{ n }}").render(
        Context({"n": 1234567})
    )
    assert rendered == "1.234.567 1234567"
