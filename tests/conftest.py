"""Personas, factories and shared set-up for the whole suite."""

import uuid
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from declarations.models import Person
from declarations.places import place_tree, places_load
from declarations.services import DeclarationData, declaration_submit

# Lai Châu (12): Thành phố Lai Châu (105) and its Phường Quyết Thắng (03386); Huyện Tam Đường (106)
# and its Thị trấn Tam Đường (03390). Hà Nội (01), Quận Ba Đình (001), Phường Phúc Xá (00001).
LAI_CHAU, LAI_CHAU_CITY, QUYET_THANG = "12", "105", "03386"
TAM_DUONG, TAM_DUONG_TOWN = "106", "03390"
HA_NOI, BA_DINH, PHUC_XA = "01", "001", "00001"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference places once for the session's database."""
    with django_db_blocker.unblock():
        places_load()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()


@pytest.fixture
def places(db):
    """The reference places, reloaded when a transactional test has flushed them."""
    from declarations.models import Province

    if not Province.objects.exists():
        places_load()
    place_tree.cache_clear()
    return place_tree()


def form_data(**changes) -> dict:
    """A valid declaration form post: a resident of Hà Nội travelling to Lai Châu city."""
    data = {
        "form_token": str(uuid.uuid4()),
        "full_name": "Nguyễn Thị Hoà",
        "birth_year": "1988",
        "sex": "female",
        "nationality": "Việt Nam",
        "id_number": "001188012345",
        "phone": "0912 345 678",
        "email": "",
        "residence_province": HA_NOI,
        "residence_district": BA_DINH,
        "residence_commune": PHUC_XA,
        "residence_address": "12 Phố Phúc Xá",
        "travel_date": timezone.localdate().isoformat(),
        "from_province": HA_NOI,
        "from_district": BA_DINH,
        "to_district": LAI_CHAU_CITY,
        "to_commune": QUYET_THANG,
        "to_address": "Số 5 đường Trần Phú",
        "transport": "coach",
        "vehicle_plate": "25b01234",
        "seat": "12",
        "places_visited": "",
        "vaccine_doses": "2",
        "commitment": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def declaration_data(**changes) -> DeclarationData:
    values = {
        "full_name": "Lò Văn Minh",
        "birth_year": 1990,
        "sex": "male",
        "nationality": "Việt Nam",
        "phone": "0987654321",
        "residence_province": LAI_CHAU,
        "residence_district": TAM_DUONG,
        "residence_commune": TAM_DUONG_TOWN,
        "travel_date": timezone.localdate(),
        "from_province": HA_NOI,
        "from_district": BA_DINH,
        "to_district": TAM_DUONG,
        "to_commune": TAM_DUONG_TOWN,
        "transport": "car",
    }
    values.update(changes)
    return DeclarationData(**values)


@pytest.fixture
def make_declaration(places):
    def make(person: Person | None = None, **changes):
        return declaration_submit(
            data=declaration_data(**changes), token=uuid.uuid4(), person=person
        )

    return make


@pytest.fixture
def citizen(make_declaration) -> Person:
    """Lò Văn Minh of Tam Đường, who has declared once."""
    return make_declaration().person


@pytest.fixture
def today() -> date:
    return timezone.localdate()
