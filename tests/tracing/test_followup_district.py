"""A follow-up's copies of its person's district and commune of residence, kept by the database
(tracing.0010, 0011): right whatever writes the follow-up or the person, and what the overdue
list of a district or a commune reads."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.models import Person
from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, TAM_DUONG, TAM_DUONG_TOWN
from tracing.models import FollowUp

pytestmark = pytest.mark.django_db


# Xã Thèn Sin, another commune of Tam Đường.
THEN_SIN = "03394"


def home_of(follow_up: FollowUp) -> tuple[str | None, str | None]:
    """The follow-up's copies of its person's district and commune."""
    homes = FollowUp.objects.values_list("residence_district_id", "residence_commune_id")
    return homes.get(pk=follow_up.pk)


@pytest.fixture
def feverish(make_declaration) -> Person:
    """Lives in Tam Đường; at risk, so followed up (tracing's signals open the follow-up)."""
    return make_declaration(symptoms=("fever",)).person


def move(person: Person, district: str, commune: str) -> None:
    Person.objects.filter(pk=person.pk).update(
        residence_district_id=district, residence_commune_id=commune
    )


def test_a_follow_up_opened_carries_its_persons_home(feverish, citizen):
    assert home_of(feverish.follow_up) == (TAM_DUONG, TAM_DUONG_TOWN)
    [bulk] = FollowUp.objects.bulk_create([FollowUp(person=citizen)])  # no save(): the trigger
    assert home_of(bulk) == (TAM_DUONG, TAM_DUONG_TOWN)


def test_a_person_who_moves_takes_their_follow_up_along(feverish):
    move(feverish, LAI_CHAU_CITY, QUYET_THANG)
    assert home_of(feverish.follow_up) == (LAI_CHAU_CITY, QUYET_THANG)

    person = Person.objects.get(pk=feverish.pk)
    person.residence_district_id, person.residence_commune_id = TAM_DUONG, TAM_DUONG_TOWN
    person.save()
    assert home_of(feverish.follow_up) == (TAM_DUONG, TAM_DUONG_TOWN)


def test_a_person_who_moves_within_their_district_takes_their_follow_up_along(feverish):
    Person.objects.filter(pk=feverish.pk).update(residence_commune_id=THEN_SIN)
    assert home_of(feverish.follow_up) == (TAM_DUONG, THEN_SIN)


def test_a_follow_up_written_from_an_old_copy_keeps_the_persons_district(feverish):
    follow_up = FollowUp.objects.get(person=feverish)  # read before the move
    move(feverish, LAI_CHAU_CITY, QUYET_THANG)
    follow_up.status = "contacted"
    follow_up.save()  # writes every column, the home it read among them
    assert home_of(follow_up) == (LAI_CHAU_CITY, QUYET_THANG)


def test_a_follow_up_given_to_another_person_takes_theirs(feverish, make_declaration):
    other = make_declaration(
        full_name="Lò Thị Hoa",
        phone="0911222333",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
    ).person  # without risk: no follow-up of their own
    FollowUp.objects.filter(person=feverish).update(person=other)
    assert home_of(FollowUp.objects.get(person=other)) == (LAI_CHAU_CITY, QUYET_THANG)


@pytest.fixture
def overdue_in_two_districts(make_declaration):
    """Three people at risk, overdue: two of Tam Đường, one of Thành phố Lai Châu."""
    people = [
        make_declaration(full_name=name, phone=phone, symptoms=("fever",), **home).person
        for name, phone, home in (
            ("Sốt Một", "0911000001", {}),
            ("Sốt Hai", "0911000002", {}),
            (
                "Sốt Ba",
                "0911000003",
                {"residence_district": LAI_CHAU_CITY, "residence_commune": QUYET_THANG},
            ),
        )
    ]
    FollowUp.objects.update(updated_at=timezone.now() - timedelta(days=2))
    return people


def overdue_listed(client, **place) -> set[str]:
    """The names on the overdue list of a place (``huyen``, ``xa``)."""
    rows = client.get("/y-te/", {**place, "qua_han": "on"}).context["rows"]
    return {row.person.full_name for row in rows}


def test_the_overdue_list_of_a_district_follows_people_who_move(
    client, provincial_health_worker, overdue_in_two_districts
):
    second = overdue_in_two_districts[1]
    client.force_login(provincial_health_worker)
    assert overdue_listed(client, huyen=TAM_DUONG) == {"Sốt Một", "Sốt Hai"}
    assert overdue_listed(client, huyen=LAI_CHAU_CITY) == {"Sốt Ba"}
    move(second, LAI_CHAU_CITY, QUYET_THANG)
    assert overdue_listed(client, huyen=TAM_DUONG) == {"Sốt Một"}
    assert overdue_listed(client, huyen=LAI_CHAU_CITY) == {"Sốt Hai", "Sốt Ba"}


def test_the_overdue_list_of_a_commune_follows_people_who_move(
    client, provincial_health_worker, overdue_in_two_districts
):
    second = overdue_in_two_districts[1]
    client.force_login(provincial_health_worker)
    town = {"huyen": TAM_DUONG, "xa": TAM_DUONG_TOWN}
    assert overdue_listed(client, **town) == {"Sốt Một", "Sốt Hai"}
    assert overdue_listed(client, huyen=TAM_DUONG, xa=THEN_SIN) == set()
    move(second, TAM_DUONG, THEN_SIN)
    assert overdue_listed(client, **town) == {"Sốt Một"}
    assert overdue_listed(client, huyen=TAM_DUONG, xa=THEN_SIN) == {"Sốt Hai"}
    assert overdue_listed(client, xa=THEN_SIN) == {"Sốt Hai"}  # the commune without its district


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL plan; CI runs this on PostgreSQL"
)
@pytest.mark.parametrize(
    ("place", "index"),
    [
        ({"huyen": TAM_DUONG}, "followup_open_district"),
        ({"huyen": TAM_DUONG, "xa": TAM_DUONG_TOWN}, "followup_open_commune"),
    ],
)
def test_the_overdue_list_of_a_place_reads_its_open_follow_ups_in_order(
    client, provincial_health_worker, overdue_in_two_districts, place, index
):
    client.force_login(provincial_health_worker)
    with CaptureQueriesContext(connection) as queries:
        client.get("/y-te/", {**place, "qua_han": "on"})
    [keys] = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "declarations_person"."id" AS "pk" FROM')
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as if the tables were large
        cursor.execute(f"EXPLAIN {keys}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"using {index}" in plan, plan
    assert "Sort" not in plan, plan  # in the index's order


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL setting; CI runs this on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)  # the page's queries outside a test's transaction
@pytest.mark.parametrize(
    "place",
    [{"huyen": TAM_DUONG}, {"huyen": TAM_DUONG, "xa": TAM_DUONG_TOWN}],
    ids=["district, kept compiled", "commune, compiled each time"],
)
def test_the_keys_of_a_places_overdue_list_are_planned_with_reads_as_on_an_ssd_alone(
    client, provincial_health_worker, overdue_in_two_districts, monkeypatch, place
):
    """The keys query is sent with ``random_page_cost`` at 1.1 (``tracing.risk_views._place_keys``,
    ``_kept_keys``): it finds the same people, page after page, and the connection's next
    queries are planned as the server is set."""
    monkeypatch.setattr("tracing.risk_views.RESULTS_PER_PAGE", 1)
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        [server_setting] = cursor.fetchone()
    client.force_login(provincial_health_worker)
    FollowUp.objects.filter(person=overdue_in_two_districts[1]).update(
        updated_at=timezone.now() - timedelta(days=3)  # waiting longest: first
    )
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    place = {**place, "qua_han": "on"}
    with connection.execute_wrapper(record):
        first = client.get("/y-te/", place)
    second = client.get("/y-te/", {**place, "sau": first.context["older"]})

    [keys] = [sql for sql in sent if '"declarations_person"."id" AS "pk" FROM' in sql]
    assert keys.startswith("SELECT set_config('random_page_cost', '1.1', true); SELECT ")
    assert [row.person.full_name for row in first.context["rows"]] == ["Sốt Hai"]
    assert [row.person.full_name for row in second.context["rows"]] == ["Sốt Một"]
    assert second.context["older"] is None
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == (server_setting,)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL setting; CI runs this on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_health_worker_who_sees_nobody_gets_an_empty_overdue_list_of_a_place(
    client, places, overdue_in_two_districts
):
    """A health worker's account without a staff profile sees nobody
    (``Person.objects.none()``): the keys query has no SQL to send, and the list is empty."""
    from django.contrib.auth.models import Group, User

    worker = User.objects.create_user("no-profile", password="correct-horse-battery")
    worker.groups.add(Group.objects.get(name="health_staff"))
    client.force_login(worker)
    response = client.get("/y-te/", {"huyen": TAM_DUONG, "qua_han": "on"})
    assert response.status_code == 200
    assert response.context["rows"] == []
