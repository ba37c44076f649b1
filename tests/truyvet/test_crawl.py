"""Every page a user can reach by following links answers, and no link leads a user to a page
they may not open: a crawl of the demo site as a visitor and as each demo account, from the
public and the staff start pages, following every link of every page (two addresses of each
shape).

The user guide describes every role's pages and links to them, so its links are followed but may
lead a reader of another role to the 403 page, which says why and links back to their start.
"""

import re
from collections import Counter
from html import unescape
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_ACCOUNTS

LINK = re.compile(r'href="([^"#]*)"')
# A path segment with a digit in it (a key, a code, a token, a date) varies within one shape.
VARYING = re.compile(r"/[^/]*[0-9][^/]*(?=/)")
ADDRESSES_PER_SHAPE = 2
PAGES_PER_USER = 160  # the administrator's site has hundreds of admin pages; a sample of them
GUIDE = "/huong-dan/"


@pytest.fixture
def demo_site(places, settings):
    """The demo accounts with a small demo data set, as `make run` loads them."""
    settings.DEBUG = True  # the demo accounts are refused otherwise
    for command, options in [
        ("create_demo_accounts", {}),
        ("generate_fleet", {"companies": 2, "vehicles": 4, "seed": 1}),
        ("generate_data", {"declarations": 300, "seed": 1}),
        ("generate_passages", {"seed": 1}),
        ("generate_cases", {"cases": 2, "seed": 1}),
        ("rebuild_counts", {}),
    ]:
        call_command(command, stdout=StringIO(), **options)
    settings.DEBUG = False


def _shape(address: str) -> str:
    parts = urlsplit(address)
    names = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return VARYING.sub("/N", parts.path) + "?" + "&".join(names)


def _links(address: str, html: str) -> list[str]:
    links = (urljoin(address, unescape(href)) for href in LINK.findall(html))
    return [link for link in links if link.startswith("/") and not link.startswith("/static/")]


def crawl(client) -> dict[str, tuple[int, str]]:
    """Each address reached: its status, and the page whose link led there."""
    found: dict[str, tuple[int, str]] = {}
    shapes: Counter = Counter()
    queue = [("/", ""), (reverse("accounts:home"), "")]  # the public and the staff start pages
    while queue and len(found) < PAGES_PER_USER:
        address, referrer = queue.pop(0)
        if address in found or shapes[_shape(address)] >= ADDRESSES_PER_SHAPE:
            continue
        shapes[_shape(address)] += 1
        response = client.get(address)
        found[address] = (response.status_code, referrer)
        if response.status_code in (301, 302):
            queue.append((response["Location"], address))
        elif "html" in response.get("Content-Type", ""):
            queue += [(link, address) for link in _links(address, response.content.decode())]
    return found


@pytest.mark.parametrize("username", [None, *(account[0] for account in DEMO_ACCOUNTS)])
def test_every_page_reached_answers_and_no_link_is_a_dead_end(client, demo_site, username):
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    found = crawl(client)
    assert len(found) > 10
    errors = {address: status for address, (status, _) in found.items() if status >= 500}
    assert not errors
    dead_ends = {
        address: (status, referrer)
        for address, (status, referrer) in found.items()
        if status in (403, 404) and referrer and not referrer.startswith(GUIDE)
    }
    assert not dead_ends
