"""The site's addresses, and one more for test_after_response.py: a page that leaves work for
after its answer (``truyvet.after_response``), work that waits until the test lets it finish."""

import tempfile
import time
from functools import partial
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from truyvet.after_response import after_response
from truyvet.urls import handler404, handler500  # noqa: F401 - the site's own error pages
from truyvet.urls import urlpatterns as site_urlpatterns

WAIT_AT_MOST = 20  # seconds the work waits for the test to let it finish


def scratch(name: str) -> Path:
    """The folder the test and the worker share for one request (``name``: the test's key)."""
    return Path(tempfile.gettempdir()) / f"truyvet-after-response-{name}"


def _work(folder: Path) -> None:
    deadline = time.monotonic() + WAIT_AT_MOST
    while not (folder / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    (folder / "done").write_text("done")


def leaves_work(request):
    folder = scratch(request.GET.get("name", "").replace("/", "")[:40] or "none")
    folder.mkdir(exist_ok=True)
    after_response(partial(_work, folder))
    return HttpResponse("answered")


urlpatterns = [path("after-response-test/", leaves_work), *site_urlpatterns]
