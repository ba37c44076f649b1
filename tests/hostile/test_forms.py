"""Hostile input to every form and search: never a server error, never markup sent back raw.

Each endpoint of ``endpoints.ENDPOINTS`` gets random and malicious values (very long strings,
control characters and NUL, wrong types, impossible dates, missing and repeated fields, HTML
and SQL fragments), mostly in a few fields of an answer it accepts, so that they reach the
code that stores and shows them. Each answer, and the page it redirects to, must be below 500
and hold none of the raw markup sent.
"""

from urllib.parse import urlencode

import pytest
from axes.utils import reset as axes_reset
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile.endpoints import ENDPOINTS, Endpoint
from tests.hostile.payloads import (
    CONTROL,
    DATES,
    HOSTILE,
    IMG,
    LONG,
    MARKUP,
    NUMBERS,
    has_raw_markup,
    hostile_file,
    hostile_value,
)

pytestmark = pytest.mark.django_db

MISSING = object()
NUL_AFTER = object()
LOGIN_PATH = "/dang-nhap/"


class Browser:
    """The client of one endpoint's examples: a staff member stays logged in (as at a desk
    all day), a citizen comes with a new browser each time. Rate limits and lockouts are
    cleared before each request, or they would soon answer every example with 429."""

    def __init__(self, world, endpoint: Endpoint):
        self.world, self.endpoint = world, endpoint
        self.staff = Client()
        if endpoint.persona:
            self.staff.force_login(world.users[endpoint.persona])

    def __call__(self) -> Client:
        cache.clear()
        if self.endpoint.url_name == "accounts:login":
            axes_reset()
        client = self.staff if self.endpoint.persona else Client()
        if self.endpoint.prepare:
            self.endpoint.prepare(client, self.world)
        return client


def fresh_client(world, endpoint) -> Client:
    return Browser(world, endpoint)()


def send(client: Client, endpoint: Endpoint, world, payload: dict, *, urlencoded=False):
    path = endpoint.path(world)
    if endpoint.method == "GET":
        return client.get(path, payload)
    if urlencoded:
        body = urlencode(payload, doseq=True)
        return client.post(path, body, content_type="application/x-www-form-urlencoded")
    return client.post(path, payload)


def page_text(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    return response.content.decode("utf-8", errors="replace")


def assert_safe(client: Client, response, *, follow=True) -> None:
    """Below 500, no raw markup; and the same for the page a redirect leads to."""
    assert response.status_code < 500, response.status_code
    marker = has_raw_markup(page_text(response))
    assert marker is None, f"raw markup {marker!r} in {response.request['PATH_INFO']}"
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    if follow and location.startswith("/") and not location.startswith(LOGIN_PATH):
        followed = client.get(location)
        assert followed.status_code < 500, (location, followed.status_code)
        marker = has_raw_markup(page_text(followed))
        assert marker is None, f"raw markup {marker!r} in {location}"


def typed_value(kind: str):
    """Hostile values, weighted towards what breaks a field of this kind."""
    if kind == "file":
        return hostile_file
    specific = {
        "date": st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat())),
        "number": st.sampled_from(NUMBERS),
        "extra": st.sampled_from((*NUMBERS, *CONTROL, *MARKUP)),
        "text": st.sampled_from((*MARKUP, *CONTROL, *LONG)),
    }[kind]
    return st.one_of(specific, hostile_value)


def draw_payload(data, endpoint: Endpoint, world) -> dict:
    """A few fields of the valid answer changed or dropped; or every field hostile; or none."""
    kinds = endpoint.kinds | {"unexpected": "text"}
    mode = data.draw(st.sampled_from(["few", "few", "few", "all", "none"]), label="mode")
    if mode == "none":
        return {}
    valid = endpoint.valid(world)
    if mode == "few":
        payload = dict(valid)
        names = data.draw(
            st.lists(st.sampled_from(list(kinds)), min_size=1, max_size=3, unique=True)
        )
    else:
        payload, names = {}, list(kinds)
    for name in names:
        value = data.draw(
            st.one_of(st.just(MISSING), st.just(NUL_AFTER), typed_value(kinds[name])), label=name
        )
        if value is MISSING:
            payload.pop(name, None)
        elif value is NUL_AFTER:  # the valid value, with a NUL: only the NUL is wrong
            payload[name] = f"{valid.get(name, '')}\x00" if kinds[name] != "file" else ""
        else:
            payload[name] = value
    return payload


# Hostile answers every endpoint gets, each a change of the valid answer: (what, the fields it
# changes, the value it gives them from the valid one).
def _all(kind=None):
    return lambda kinds: [n for n, k in kinds.items() if k != "file" and kind in (None, k)]


KNOWN = [
    ("the last day of the calendar", _all("date"), lambda v: "9999-12-31"),
    ("the first day of the calendar", _all("date"), lambda v: "0001-01-01"),
    ("a digit int() cannot read", _all("extra"), lambda v: "²"),
    ("a huge number", _all("extra"), lambda v: str(10**30)),
    ("a negative number", _all("number"), lambda v: "-2021"),
    ("a NUL at the end", _all(), lambda v: f"{v}\x00"),
    ("markup", _all(), lambda v: IMG),
    ("ten thousand characters", _all(), lambda v: "Đ" * 10_001),
    ("the field twice", _all(), lambda v: [v, "' OR 1=1 --"]),
    ("nothing at all", lambda kinds: list(kinds), None),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_hostile_answers_get_no_server_error_and_no_raw_markup(world, endpoint):
    """The valid answer first (the start of the others); then the known hostile answers,
    each failure noted; then random ones."""
    browser = Browser(world, endpoint)
    assert set(endpoint.valid(world)) <= set(endpoint.fields), "a name no form reads"
    response = send(browser(), endpoint, world, endpoint.valid(world))
    assert response.status_code == endpoint.expected, _errors(response)

    failures = []
    for what, names_of, change in KNOWN:
        names = names_of(endpoint.kinds)
        if not names:
            continue
        payload = endpoint.valid(world)
        for name in names:
            if change is None:
                payload.pop(name, None)
            else:
                payload[name] = change(str(payload.get(name, "")))
        client = browser()
        try:
            assert_safe(client, send(client, endpoint, world, payload))
        except Exception as error:
            failures.append(f"{what} in {', '.join(names)}: {error!r}")
    assert not failures, "\n".join(failures)

    @HOSTILE
    @given(data=st.data())
    def random_answers(data):
        client = browser()
        payload = draw_payload(data, endpoint, world)
        urlencoded = not endpoint.files and data.draw(st.booleans(), label="urlencoded")
        response = send(client, endpoint, world, payload, urlencoded=urlencoded)
        # The pages redirected to are read when markup was sent, to see it stored and shown.
        assert_safe(client, response, follow=any(has_raw_markup(str(v)) for v in payload.values()))

    random_answers()


def _errors(response) -> dict:
    context = response.context or {}
    form = context.get("form") if hasattr(context, "get") else None
    return dict(getattr(form, "errors", {}) or {})
