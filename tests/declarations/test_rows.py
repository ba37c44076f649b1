"""Tables drawn in Python write times and days as the templates do (declarations.rows)."""

from datetime import UTC, date, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from declarations.rows import SharedCells

MOMENTS = [
    datetime(2021, 5, 3, 17, 5, tzinfo=UTC),  # five past midnight on the 4th in Lai Châu
    datetime(2021, 12, 31, 16, 59, 59, tzinfo=UTC),  # the year's last minute there
    datetime(2026, 1, 9, 2, 7, tzinfo=UTC),
    datetime(2026, 11, 26, 13, 45, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_a_time_is_written_as_the_templates_write_it(moment):
    assert SharedCells().time(moment) == date_filter(timezone.localtime(moment), "H:i d/m/Y")


@pytest.mark.parametrize("day", [date(2021, 5, 4), date(2026, 11, 26), date(999, 1, 2)], ids=str)
def test_a_day_is_written_as_the_templates_write_it(day):
    assert SharedCells.day(day) == date_filter(day, "d/m/Y")
