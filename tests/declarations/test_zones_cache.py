"""Every declaration reads the epidemic zones: each process keeps them for a few seconds on top of
the shared cache (Redis in production), and a zone saved here takes effect at once."""

import time
import uuid

import pytest
from django.core.cache import cache

from declarations.models import EpidemicZone
from declarations.services import (
    ZONES_CACHE_KEY,
    ZONES_PROCESS_SECONDS,
    all_zones,
    declaration_submit,
)
from tests.conftest import BA_DINH, declaration_data

pytestmark = pytest.mark.django_db


def _zone_codes() -> list[str]:
    return [zone.place_code for zone in all_zones()]


@pytest.fixture
def zone_elsewhere(places, today):
    """A zone saved by another process: in the database and the shared cache, not here."""
    assert _zone_codes() == []  # this process now keeps "no zones"
    EpidemicZone.objects.create(place_code=BA_DINH, place_name="Quận Ba Đình", starts_on=today)
    cache.delete(ZONES_CACHE_KEY)  # what zones_changed() did in the other process


def test_a_declaration_does_not_ask_the_shared_cache_again_within_seconds(zone_elsewhere):
    declaration = declaration_submit(data=declaration_data(), token=uuid.uuid4())

    assert declaration.risk_level == "none"
    assert cache.get(ZONES_CACHE_KEY) is None  # neither read nor filled again


def test_a_zone_saved_by_another_process_counts_here_within_seconds(zone_elsewhere, monkeypatch):
    later = time.time() + ZONES_PROCESS_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the process cache's clock

    declaration = declaration_submit(data=declaration_data(), token=uuid.uuid4())

    assert _zone_codes() == [BA_DINH]
    assert declaration.risk_level == "medium"


def test_a_zone_saved_in_this_process_counts_at_once(
    places, today, django_capture_on_commit_callbacks
):
    assert _zone_codes() == []
    with django_capture_on_commit_callbacks(execute=True):
        zone = EpidemicZone.objects.create(
            place_code=BA_DINH, place_name="Quận Ba Đình", starts_on=today
        )
    assert _zone_codes() == [BA_DINH]

    with django_capture_on_commit_callbacks(execute=True):
        zone.delete()
    assert _zone_codes() == []
