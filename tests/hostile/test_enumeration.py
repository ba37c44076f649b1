"""Lookup codes cannot be guessed one after another, at /tra-cuu/ nor at /c/<code>/.

The look-up allows 10 attempts per client address and per code in 10 minutes (settings
LOOKUP_RATE; the per-address and per-code basics are in tests/declarations/test_lookup.py).
Staff pages opened by a code count the codes that open nobody, per user and per address
(settings.CODE_MISS_RATE); codes that open someone are never counted.
"""

import time
from types import SimpleNamespace

import django.core.cache.backends.locmem
import django_ratelimit.core
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from declarations import codes
from tests.hostile.payloads import HOSTILE

pytestmark = pytest.mark.django_db

LOOKUP_LIMIT = 10
MISS_LIMIT = int(django_settings.CODE_MISS_RATE.split("/")[0])
# Codes in the stored form: 8 characters of the alphabet (almost surely nobody's).
random_code = st.text(st.sampled_from(codes.ALPHABET), min_size=8, max_size=8)


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """Rate limits count in fixed windows of time: keep the tests inside one, so that a window
    ending halfway does not reset the counts."""
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


def look_up(client, code, last4="0000", **headers):
    return client.post("/tra-cuu/", {"code": code, "phone_last4": last4}, **headers)


@HOSTILE
@given(guesses=st.lists(random_code, min_size=LOOKUP_LIMIT + 5, max_size=30, unique=True))
def test_rotating_codes_from_one_address_is_stopped_after_ten_attempts(world, guesses):
    cache.clear()
    client = Client()
    answers = [look_up(client, code).status_code for code in guesses]
    assert answers[:LOOKUP_LIMIT] == [200] * LOOKUP_LIMIT
    assert set(answers[LOOKUP_LIMIT:]) == {429}
    # Then even the right code with the right digits gets nothing, until the window ends.
    assert look_up(client, world.citizen.display_code, "4321").status_code == 429
    assert "lookup_person" not in client.session


def test_new_cookies_and_forged_proxy_headers_do_not_reset_the_count(world):
    """Counted by the client address the server sees (REMOTE_ADDR unless a trusted proxy's
    header is configured), not by session or by headers the client writes."""
    cache.clear()
    for n in range(LOOKUP_LIMIT):
        assert look_up(Client(), f"ZZZZZZ{n:02d}").status_code == 200
    forged = {
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_REAL_IP": "203.0.113.8",
        "HTTP_CLIENT_IP": "203.0.113.9",
    }
    answer = look_up(Client(), world.citizen.display_code, "4321", **forged)
    assert answer.status_code == 429


def test_malformed_codes_count_too(world):
    cache.clear()
    client = Client()
    junk = ["", "x", "' OR 1=1 --", "\x00", "A" * 41, "<script>", "K7QX", "IIIIIIII", "😷"]
    for text in (junk + junk)[:LOOKUP_LIMIT]:
        assert look_up(client, text).status_code == 200
    assert look_up(client, world.citizen.display_code, "4321").status_code == 429


# -- /c/<code>/ -------------------------------------------------------------------------------


def staff(world, persona, address="10.1.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(world.users[persona])
    return client


def test_anonymous_visitors_learn_nothing_from_a_code(world):
    """Known or not, a code sends an anonymous visitor to log in, and is not counted."""
    cache.clear()
    client = Client()
    for _ in range(MISS_LIMIT + 1):
        known = client.get(f"/c/{world.citizen.lookup_code}/")
        unknown = client.get("/c/ZZZZZZZZ/")
        assert (known.status_code, unknown.status_code) == (302, 302)
        assert known["Location"].split("?")[0] == unknown["Location"].split("?")[0]
    officer = staff(world, "officer", address="127.0.0.1")
    assert officer.get(f"/c/{world.citizen.lookup_code}/").status_code == 200


@settings(HOSTILE, max_examples=min(HOSTILE.max_examples, 3))
@given(guesses=st.lists(random_code, min_size=MISS_LIMIT, max_size=MISS_LIMIT, unique=True))
def test_an_officer_guessing_codes_is_stopped(world, guesses):
    cache.clear()
    officer = staff(world, "officer")
    assert {officer.get(f"/c/{code}/").status_code for code in guesses} == {404}
    known = f"/c/{world.citizen.lookup_code}/"
    assert officer.get(known).status_code == 429
    assert officer.post(f"{known}yeu-cau-cap-nhat/").status_code == 429
    assert officer.get("/chot/", {"q": world.citizen.lookup_code}).status_code == 429
    # The user is stopped wherever they are; the address for every user.
    assert staff(world, "officer", address="10.9.9.9").get(known).status_code == 429
    assert staff(world, "administrator").get(known).status_code == 429
    assert staff(world, "administrator", address="10.9.9.9").get(known).status_code == 200


def test_codes_that_open_someone_are_never_counted(world):
    """An officer at a busy checkpoint opens people all day."""
    cache.clear()
    officer = staff(world, "officer")
    for _ in range(MISS_LIMIT + 5):
        answer = officer.post(f"/c/{world.citizen.lookup_code}/yeu-cau-cap-nhat/")
        assert answer.status_code == 302
    assert officer.get(f"/c/{world.citizen.lookup_code}/").status_code == 200


def test_the_desk_counts_codes_but_not_names_phones_or_plates(world):
    cache.clear()
    officer = staff(world, "officer")
    searches = ["Lò Văn Minh", "0987654321", "25B-012.34", "25B01234"]
    for _ in range(MISS_LIMIT):
        for text in searches:
            assert officer.get("/chot/", {"q": text}).status_code in (200, 302)
    assert officer.get(f"/c/{world.citizen.lookup_code}/").status_code == 200
    for n in range(MISS_LIMIT):
        assert officer.get("/chot/", {"q": f"ZZZZ-ZZ{n:02d}"}).status_code == 200
    assert officer.get(f"/c/{world.citizen.lookup_code}/").status_code == 429
    # Searching by name goes on: only codes are refused.
    assert officer.get("/chot/", {"q": "Lò Văn Minh"}).status_code == 200
    assert officer.get("/chot/", {"q": "ZZZZ-ZZZZ"}).status_code == 429


def test_names_typed_without_accents_in_a_codes_shape_are_not_counted(world):
    """A name such as "lo thi hoa" reads as a code (L and O for 1 and 0): it is a name all the
    same when it finds someone, and an officer who searches such names all day is not stopped."""
    world._fixture("make_declaration")(full_name="Lò Thị Hoa")
    assert codes.parse_code("lo thi hoa") is not None
    cache.clear()
    officer = staff(world, "officer")
    for _ in range(MISS_LIMIT + 5):
        answer = officer.get("/chot/", {"q": "lo thi hoa"})
        assert answer.status_code == 200 and "Lò Thị Hoa" in answer.content.decode()
    assert officer.get(f"/c/{world.citizen.lookup_code}/").status_code == 200


def test_a_user_stopped_still_finds_names_in_a_codes_shape(world):
    """Past the limit, code-shaped text is not tried as a code: a name that finds someone is
    shown, and text that finds nobody is refused, a code included."""
    world._fixture("make_declaration")(full_name="Lò Thị Hoa")
    cache.clear()
    officer = staff(world, "officer")
    for n in range(MISS_LIMIT):
        assert officer.get("/chot/", {"q": f"ZZZZ-ZZ{n:02d}"}).status_code == 200
    answer = officer.get("/chot/", {"q": "lo thi hoa"})
    assert answer.status_code == 200 and "Lò Thị Hoa" in answer.content.decode()
    assert officer.get("/chot/", {"q": world.citizen.lookup_code}).status_code == 429
    assert officer.get("/chot/", {"q": "ZZZZ-ZZZZ"}).status_code == 429


def test_health_staff_guessing_codes_is_stopped(world):
    cache.clear()
    health = staff(world, "health_worker")
    for n in range(MISS_LIMIT // 2):
        assert health.get(f"/y-te/theo-doi/ZZZZZZ{n:02d}/").status_code == 404
        assert health.get("/y-te/ca-benh/moi/", {"ma": f"YYYYYY{n:02d}"}).status_code == 404
    assert health.get(f"/y-te/theo-doi/{world.citizen.lookup_code}/").status_code == 429


def test_guesses_from_one_ipv6_network_are_counted_together(world):
    """A subscriber holds a whole /64: a fresh address for each guess does not reset the count."""
    cache.clear()
    for n in range(MISS_LIMIT):
        guesser = staff(world, "officer", address=f"2001:db8:0:7::{n + 1:x}")
        assert guesser.get(f"/c/ZZZZZZ{n:02d}/").status_code == 404
    known = f"/c/{world.citizen.lookup_code}/"
    assert staff(world, "administrator", address="2001:db8:0:7::ffff").get(known).status_code == 429
    assert staff(world, "administrator", address="2001:db8:0:8::1").get(known).status_code == 200


class CacheKeys:
    """The keys each cache command touches, command by command (not the commands one makes
    of others: the memory cache reads many keys one by one)."""

    def __init__(self, monkeypatch):
        self.commands = []
        self.depth = 0
        backend = caches["default"]
        for name in ("get", "get_many", "add", "set", "incr"):
            monkeypatch.setattr(backend, name, self._recording(name, getattr(backend, name)))

    def _recording(self, name, method):
        def recorded(keys, *args, **kwargs):
            if not self.depth:
                self.commands.append((name, list(keys) if name == "get_many" else [keys]))
            self.depth += 1
            try:
                return method(keys, *args, **kwargs)
            finally:
                self.depth -= 1

        return recorded


def test_a_page_opened_by_a_code_checks_the_limits_in_one_cache_read(world, monkeypatch):
    """The person page and the follow-up check both limits on every opening: one read of the
    user's and the address's marks, not their counts (two commands each)."""
    cache.clear()
    officer = staff(world, "officer")
    officer.get(f"/c/{world.citizen.lookup_code}/")
    keys = CacheKeys(monkeypatch)
    assert officer.get(f"/c/{world.citizen.lookup_code}/").status_code == 200
    limits = [
        (name, touched)
        for name, touched in keys.commands
        if any(key.startswith(("rl:", "code-miss")) for key in touched)
    ]
    user = world.users["officer"].pk
    marks = [f"code-miss-user-exceeded:{user}", "code-miss-address-exceeded:10.1.0.1"]
    assert limits == [("get_many", marks)]


def test_an_officer_stopped_may_open_codes_again_in_the_next_window(world, monkeypatch):
    cache.clear()
    officer = staff(world, "officer")
    for n in range(MISS_LIMIT):
        assert officer.get(f"/c/ZZZZZZ{n:02d}/").status_code == 404
    known = f"/c/{world.citizen.lookup_code}/"
    assert officer.get(known).status_code == 429
    later = time.time() + 10 * 60 + 10  # CODE_MISS_RATE counts in windows of ten minutes
    for module in (django_ratelimit.core, django.core.cache.backends.locmem):
        monkeypatch.setattr(module, "time", SimpleNamespace(time=lambda: later))
    assert officer.get(known).status_code == 200
