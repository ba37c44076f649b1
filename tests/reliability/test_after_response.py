"""Under gunicorn, the reader has the whole page before the work it left for after its answer
is done (``truyvet.after_response``): what ``tracing.risk_counts`` relies on to count again
without making a health worker wait."""

import shutil
import uuid

import pytest

from tests.reliability.conftest import needs_postgresql
from tests.reliability.urls_site import scratch

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def test_the_answer_arrives_while_the_work_left_after_it_still_waits(start_site):
    site = start_site(workers=1)
    name = uuid.uuid4().hex
    folder = scratch(name)
    try:
        reply = site.get(f"/after-response-test/?name={name}")
        assert (reply.status, reply.text) == (200, "answered")
        assert not (folder / "done").exists()  # the work waits for "go": the page did not
        (folder / "go").write_text("go")
        site.wait_until(lambda: (folder / "done").exists(), 10, "the work after the answer")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_test_sites_addresses_keep_the_sites_error_pages():
    """Its URLconf adds one address to the site's: without the site's handlers, a database
    error outside a view answered Django's 500 instead of the friendly 503."""
    from tests.reliability import urls_site
    from truyvet import urls

    assert (urls_site.handler404, urls_site.handler500) == (urls.handler404, urls.handler500)
