"""One small world with every kind of object a form or search acts on, and who acts.

Each test makes only the part of it that it reads (the world is lazy): most endpoints need one
persona and one or two objects, and a hundred tests build it.
"""

import uuid
from datetime import timedelta
from functools import cached_property

import pytest
from django.utils import timezone

from declarations.models import EpidemicZone
from declarations.places import place_tree, places_load
from declarations.services import declaration_submit
from tests.conftest import LAI_CHAU, _restore_roles, declaration_data
from tracing.models import Contact, ContactLevel
from tracing.services import case_confirm

PERSONAS = (
    "officer",
    "health_worker",
    "provincial_health_worker",
    "facility_worker",
    "operator",
    "transport_officer",
    "leader",
    "administrator",
)


class Users:
    """``world.users["officer"]``: the persona fixture of that name, made when first asked."""

    def __init__(self, request):
        self._request = request

    def __getitem__(self, persona: str):
        if persona not in PERSONAS:
            raise KeyError(persona)
        return self._request.getfixturevalue(persona)


class World:
    """The citizen (Lò Văn Minh of Tam Đường) is a confirmed case with one proposed F1, the
    passenger on the vehicle's list today; two records look like one human (to merge); one
    epidemic zone is in force."""

    def __init__(self, request):
        self._request = request
        self.users = Users(request)

    def _fixture(self, name: str):
        return self._request.getfixturevalue(name)

    @cached_property
    def citizen(self):
        return self._fixture("citizen")

    @cached_property
    def checkpoint(self):
        return self._fixture("checkpoint")

    @cached_property
    def vehicle(self):
        return self._fixture("vehicle")

    @cached_property
    def facility(self):
        return self._fixture("facility")

    @cached_property
    def passenger(self):
        data = declaration_data(
            full_name="Lường Thị Mai", vehicle_plate=self.vehicle.plate, point=self.vehicle.point
        )
        return declaration_submit(data=data, token=uuid.uuid4()).person

    @cached_property
    def case(self):
        return case_confirm(
            person=self.citizen,
            confirmed_on=timezone.localdate() - timedelta(days=1),
            how_confirmed="RT-PCR",
            isolated_at="",
            user=None,
        )

    @cached_property
    def contact(self):
        return Contact.objects.create(case=self.case, person=self.passenger, level=ContactLevel.F1)

    @cached_property
    def twins(self):
        make = self._fixture("make_declaration")
        first = make(full_name="Tòng Văn Sinh", id_number="012345678901").person
        second = make(full_name="Tòng Văn Sinh", id_number="012345678901", phone="0355111222")
        return first, second.person

    @cached_property
    def zone(self):
        starts_on = timezone.localdate() - timedelta(days=3)
        return EpidemicZone.objects.create(place_code=LAI_CHAU, starts_on=starts_on)


@pytest.fixture
def places(db):
    """As the suite's fixture, without building the tree of places again for every test (these
    tests change no place): a hundred tests would spend seconds on it."""
    from declarations.models import Province

    if not Province.objects.exists():  # flushed by a transactional test before
        places_load()
        _restore_roles()
        place_tree.cache_clear()
    return place_tree()


@pytest.fixture
def world(request, places):
    return World(request)
