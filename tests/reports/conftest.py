import pytest


@pytest.fixture
def kept_reports(settings):
    """A cache every process shares, as Redis is in service: the report is kept between requests
    until the counts change (``reports.counts.report_kept``)."""
    settings.CACHE_SHARED = True
