"""Personas, factories and shared set-up for the whole suite."""

import gc
import os
import socket
import uuid
from datetime import date

import pytest
from django.core.cache import caches
from django.utils import timezone, translation

from declarations.models import Person
from declarations.places import place_tree, places_load
from declarations.services import DeclarationData, declaration_submit

# Lai Châu (12): Thành phố Lai Châu (105) and its Phường Quyết Thắng (03386); Huyện Tam Đường (106)
# and its Thị trấn Tam Đường (03390). Hà Nội (01), Quận Ba Đình (001), Phường Phúc Xá (00001).
LAI_CHAU, LAI_CHAU_CITY, QUYET_THANG = "12", "105", "03386"
TAM_DUONG, TAM_DUONG_TOWN = "106", "03390"
HA_NOI, BA_DINH, PHUC_XA = "01", "001", "00001"
# A Redis for the tests that need one (CI has it on 127.0.0.1:6379): its database 15; each test
# writes under a key prefix of its own.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference places once for the session's database; at the end, close every
    connection to it, so that it can be dropped."""
    with django_db_blocker.unblock():
        places_load()
    yield
    _close_every_connection()


def _close_every_connection() -> None:
    """Close the connections of every context, not only the current one's.

    Django keeps its connections per contextvars context, and its teardown closes those of the
    current context only. In the full PostgreSQL pass, one connection opened in another context
    (traced to a report test's set-up; where that context came from is not known) stayed open,
    and PostgreSQL refused to drop the test database: "being accessed by other users"."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    for candidate in gc.get_objects():
        # type(), not isinstance(): a lazy object would evaluate itself (the CSP nonce raises).
        if issubclass(type(candidate), BaseDatabaseWrapper) and candidate.connection is not None:
            # A browser test's live server thread may have left one behind: Django lets only
            # its own thread close it, unless sharing is allowed for the while.
            candidate.inc_thread_sharing()
            try:
                candidate.close()
            finally:
                candidate.dec_thread_sharing()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.COMPILED_QUERIES_VERIFY = True  # truyvet.compiled: each kept query keeps its shape
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def compilations(settings, monkeypatch) -> list:
    """The models of the querysets compiled to SQL from now on, in order; with the check of each
    call of ``truyvet.compiled`` off, as in production."""
    from django.db.models.sql.compiler import SQLCompiler

    settings.COMPILED_QUERIES_VERIFY = False
    models = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        models.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return models


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's own language. A request leaves the language it was
    answered in active in its thread (truyvet.middleware.SiteLanguageMiddleware, as Django's
    LocaleMiddleware): a test after one answered in English would run in English."""
    translation.deactivate()


@pytest.fixture
def places(db):
    """The reference places, reloaded when a transactional test has flushed them."""
    from declarations.models import Province

    if not Province.objects.exists():
        places_load()
        _restore_roles()
    place_tree.cache_clear()
    return place_tree()


def _restore_roles():
    """A transactional test's flush also empties the groups the roles migration made
    (permissions come back by themselves, through post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import ROLE_PERMISSIONS

    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def audit_detail(entry) -> str:
    """What an audit entry says it was about, as an English reader sees it."""
    from accounts.audit import detail_shown

    with translation.override("en"):
        return detail_shown(entry)


def confirm_case(person: Person, *, user=None):
    """``person`` confirmed as a case today by RT-PCR, through the service the health staff's
    form calls (so that the risk rule and the follow-up run as in service)."""
    from tracing.services import case_confirm

    return case_confirm(
        person=person,
        confirmed_on=timezone.localdate(),
        how_confirmed="RT-PCR",
        isolated_at="",
        user=user,
    )


def user_change_form(user, *, roles, **fields) -> dict:
    """The admin's change form of ``user`` and its staff profile, as posted: the account active,
    in the groups of ``roles``, with ``fields`` added (the profile's as
    ``staff_profile-0-<name>``)."""
    from django.contrib.auth.models import Group

    return {
        "username": user.username,
        "is_active": "on",
        "groups": [Group.objects.get(name=role).pk for role in roles],
        "date_joined_0": "2026-12-01",
        "date_joined_1": "08:00:00",
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "1",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-id": str(user.staff_profile.pk),
        "staff_profile-0-user": str(user.pk),
        **fields,
    }


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


# -- staff personas ----------------------------------------------------------------------------


def make_staff(username: str, role: str | None, **scope):
    from django.contrib.auth.models import Group, User

    from accounts.models import StaffProfile

    user = User.objects.create_user(username, password="correct-horse-battery")
    if role:
        user.groups.add(Group.objects.get(name=role))
    if role == "administrator":
        user.is_superuser = True
    if role in ("administrator", "transport"):
        user.is_staff = True
        user.save(update_fields=["is_staff", "is_superuser"])
    StaffProfile.objects.create(user=user, **scope)
    return user


@pytest.fixture
def checkpoint(places):
    from checkpoints.models import Checkpoint

    return Checkpoint.objects.create(
        name="Chốt Km 15 QL4D", district_id=TAM_DUONG, road="QL4D", entering_direction="Vào tỉnh"
    )


@pytest.fixture
def other_checkpoint(places):
    from checkpoints.models import Checkpoint

    return Checkpoint.objects.create(name="Chốt Pa So", district_id="108", road="QL12")


@pytest.fixture
def officer(checkpoint):
    """Lò Văn Chốt, checkpoint officer at Km 15 QL4D."""
    return make_staff("officer", "checkpoint_officer", checkpoint=checkpoint)


@pytest.fixture
def other_officer(other_checkpoint):
    """An officer of another checkpoint."""
    return make_staff("officer2", "checkpoint_officer", checkpoint=other_checkpoint)


@pytest.fixture
def health_worker(places):
    """Health staff of Tam Đường district, where the citizen lives."""
    return make_staff("health", "health_staff", district_id=TAM_DUONG)


@pytest.fixture
def other_health_worker(places):
    """Health staff of Thành phố Lai Châu, another district."""
    return make_staff("health2", "health_staff", district_id=LAI_CHAU_CITY)


@pytest.fixture
def provincial_health_worker(places):
    return make_staff("cdc", "health_staff", province_wide=True)


@pytest.fixture
def company(places):
    from transport.models import BusCompany

    return BusCompany.objects.create(name="Nhà xe Hưng Thành", phone="0214 3876 543")


@pytest.fixture
def other_company(places):
    from transport.models import BusCompany

    return BusCompany.objects.create(name="Nhà xe Sơn Hà")


@pytest.fixture
def vehicle(company):
    """Coach 25B-012.34 of Hưng Thành, Lai Châu – Hà Nội."""
    from transport.models import Vehicle

    return Vehicle.objects.create(
        company=company, plate="25B-012.34", seats=40, route="Lai Châu – Hà Nội"
    )


@pytest.fixture
def other_vehicle(other_company):
    from transport.models import Vehicle

    return Vehicle.objects.create(company=other_company, plate="25B-555.66", seats=29)


@pytest.fixture
def operator(company):
    """Vàng A Xe, who runs the coaches of Hưng Thành."""
    return make_staff("operator", "operator", company=company)


@pytest.fixture
def other_operator(other_company):
    return make_staff("operator2", "operator", company=other_company)


@pytest.fixture
def facility(places):
    """Bệnh viện Đa khoa tỉnh Lai Châu, in Thành phố Lai Châu."""
    from facilities.models import HealthFacility

    return HealthFacility.objects.create(
        name="Bệnh viện Đa khoa tỉnh Lai Châu",
        kind="hospital",
        district_id=LAI_CHAU_CITY,
        departments="Khoa Khám bệnh\nKhoa Nhi\nKhoa Truyền nhiễm",
    )


@pytest.fixture
def other_facility(places):
    from facilities.models import HealthFacility

    return HealthFacility.objects.create(
        name="Trung tâm Y tế huyện Tam Đường", kind="centre", district_id=TAM_DUONG
    )


@pytest.fixture
def facility_worker(facility):
    """Health staff of the provincial hospital: sees its visitors."""
    return make_staff("hospital", "health_staff", facility=facility)


@pytest.fixture
def transport_officer(places):
    return make_staff("transport", "transport")


@pytest.fixture
def leader(places):
    return make_staff("leader", "leadership")


@pytest.fixture
def administrator(places):
    return make_staff("root", "administrator")


@pytest.fixture
def outsider(places):
    """A logged-in account with no role at all."""
    return make_staff("outsider", None)


def redis_reachable(url: str) -> bool:
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    return True


def needs_redis(url: str = REDIS_TEST_URL):
    """Skip the test without a Redis at ``url``; in CI (CI=true), which has one, fail it."""
    if not redis_reachable(url):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {url} (CI must have it)")
        pytest.skip(f"Redis is not reachable at {url}")
