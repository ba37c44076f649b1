"""Hostile text in the address itself: codes, QR tokens, image kinds and ids.

``/c/<code>/``, ``/q/<token>/`` and the like take any text between two slashes, and ids take
any number of digits: none may lead to a server error.
"""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile.endpoints import PATHS, PathEndpoint, url_routes
from tests.hostile.payloads import (
    ANY_CHAR,
    HOSTILE,
    LONG,
    MARKUP,
    SQL,
    has_raw_markup,
)
from tests.hostile.test_forms import fresh_client

pytestmark = pytest.mark.django_db

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
KNOWN = (*MARKUP, SQL[0], "\x00", "a\x00b", "%00", "²", str(10**30), LONG[0], "..", "K7QX-3M9P")
# Ids at the edges of the integer columns, and far beyond them.
IDS = (0, 2**31, 2**63, 10**30)
# Where an id route also takes text: a valid value for it.
TEXT_DEFAULTS = {"kind": "svg", "token": "x", "code": "K7QX3M9P", "slug": "x"}


def fill(route: str, values: dict) -> str:
    """The route with each parameter replaced by its value, quoted as a browser would."""

    def value(match):
        return quote(str(values[match["name"]]), safe="")

    return PARAMETER.sub(value, route)


def request(client: Client, method: str, path: str):
    return client.post(path) if method == "POST" else client.get(path)


def assert_safe(response, path: str) -> None:
    assert response.status_code < 500, (path, response.status_code)
    if response.get("Content-Type", "").startswith("text/html"):
        assert has_raw_markup(response.content.decode(errors="replace")) is None, path


def check(world, target: PathEndpoint, value: str) -> None:
    route = url_routes()[target.url_name]
    path = fill(route, target.kwargs(world) | {target.param: value})
    client = fresh_client(world, target)
    assert_safe(request(client, target.method, path), path)


@pytest.mark.parametrize("target", PATHS, ids=str)
def test_hostile_text_in_an_address(world, target):
    for value in KNOWN:
        check(world, target, value)

    @HOSTILE
    @given(value=st.one_of(st.text(ANY_CHAR, min_size=1, max_size=30), st.sampled_from(KNOWN)))
    def random_text(value):
        check(world, target, value)

    random_text()


def id_routes() -> dict[str, str]:
    return {
        name: route
        for name, route in url_routes().items()
        if any(m["converter"] == "int" for m in PARAMETER.finditer(route))
    }


def test_ids_beyond_every_integer_column(world):
    """Every route with an id, as an administrator (who may open anything), by GET and POST."""
    client = Client()
    client.force_login(world.users["administrator"])
    routes = id_routes()
    assert len(routes) > 15
    for name, route in routes.items():
        for number in IDS:
            values = {m["name"]: number for m in PARAMETER.finditer(route)}
            path = fill(route, values | {k: v for k, v in TEXT_DEFAULTS.items() if k in values})
            for method in ("GET", "POST"):
                assert_safe(request(client, method, path), f"{name} {method} {path}")
