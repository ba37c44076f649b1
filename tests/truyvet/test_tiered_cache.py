"""The process's memory in front of the shared cache (truyvet.cache.TieredCache)."""

import pytest
from django.core.cache import caches


@pytest.fixture
def tiered():
    return caches["shared-fragments"]


def test_a_value_drawn_by_another_process_is_read_once_then_kept_here(tiered):
    caches["default"].set("fragment", "<form>", 60)  # drawn by another process

    assert tiered.get("fragment") == "<form>"
    caches["default"].delete("fragment")
    assert tiered.get("fragment") == "<form>"  # from memory, without the shared cache


def test_a_value_drawn_here_reaches_the_shared_cache(tiered):
    tiered.set("fragment", "<table>", 60)

    assert caches["default"].get("fragment") == "<table>"
    assert caches["shared-fragments-here"].get("fragment") == "<table>"


def test_a_value_nowhere_is_the_default(tiered):
    assert tiered.get("missing") is None
    assert tiered.get("missing", "none") == "none"
    assert caches["shared-fragments-here"].get("missing") is None


def test_add_keeps_what_is_there_and_delete_drops_it_from_both(tiered):
    assert tiered.add("key", 1, 60)
    assert not tiered.add("key", 2, 60)
    assert tiered.get("key") == 1

    tiered.delete("key")
    assert caches["default"].get("key") is None
    assert tiered.get("key") is None
