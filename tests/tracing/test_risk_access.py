"""Who sees whom on the risk pages: health staff by district, facility or the whole province;
404 outside their scope, 403 for roles without the health pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import LAI_CHAU_CITY, QUYET_THANG, TAM_DUONG, make_staff
from tracing.access import can_manage_zones, people_in_scope

LOGIN = "login"
PERSONAS = [
    "anonymous",
    "officer",
    "health_worker",
    "other_health_worker",
    "provincial_health_worker",
    "facility_worker",
    "operator",
    "transport_officer",
    "leader",
    "administrator",
    "outsider",
]
NO_HEALTH_PAGES = {
    "officer": 403,
    "operator": 403,
    "transport_officer": 403,
    "leader": 403,
    "outsider": 403,
    "anonymous": LOGIN,
}
# address -> {persona: expected status}; the at-risk person lives in Tam Đường.
EXPECTED = {
    ("get", "/y-te/"): {
        **NO_HEALTH_PAGES,
        "health_worker": 200,
        "other_health_worker": 200,
        "provincial_health_worker": 200,
        "facility_worker": 200,
        "administrator": 200,
    },
    ("get", "/y-te/theo-doi/{code}/"): {
        **NO_HEALTH_PAGES,
        "health_worker": 200,
        "other_health_worker": 404,
        "provincial_health_worker": 200,
        "facility_worker": 404,
        "administrator": 200,
    },
    ("post", "/y-te/theo-doi/{code}/cap-nhat/"): {
        **NO_HEALTH_PAGES,
        "health_worker": 302,
        "other_health_worker": 404,
        "provincial_health_worker": 302,
        "facility_worker": 404,
        "administrator": 302,
    },
    ("get", "/y-te/theo-doi/ZZZZ-ZZZZ/"): {
        **NO_HEALTH_PAGES,
        "health_worker": 404,
        "provincial_health_worker": 404,
        "administrator": 404,
    },
    ("get", "/y-te/tim-kiem/?q={code}"): {
        **NO_HEALTH_PAGES,
        "health_worker": 302,  # to the person's page
        "other_health_worker": 200,  # "no one has this code": not theirs to see
        "provincial_health_worker": 302,
        "facility_worker": 200,
        "administrator": 302,
    },
    ("get", "/y-te/tim-kiem/?q=minh"): {
        **NO_HEALTH_PAGES,
        "health_worker": 200,
        "other_health_worker": 200,
        "provincial_health_worker": 200,
        "facility_worker": 200,
        "administrator": 200,
    },
    ("get", "/y-te/vung-dich/"): {
        **NO_HEALTH_PAGES,
        "health_worker": 403,
        "other_health_worker": 403,
        "facility_worker": 403,
        "provincial_health_worker": 200,
        "administrator": 200,
    },
    ("post", "/y-te/vung-dich/{zone}/ket-thuc/"): {
        **NO_HEALTH_PAGES,
        "health_worker": 403,
        "provincial_health_worker": 302,
        "administrator": 302,
    },
}
CASES = [
    (method, address, persona, expected)
    for (method, address), answers in EXPECTED.items()
    for persona, expected in answers.items()
]


@pytest.fixture
def at_risk(make_declaration):
    return make_declaration(symptoms=("fever",)).person


@pytest.fixture
def zone(places, today):
    from declarations.models import EpidemicZone

    return EpidemicZone.objects.create(place_code="001", place_name="Quận Ba Đình", starts_on=today)


@pytest.mark.parametrize(("method", "address", "persona", "expected"), CASES)
def test_each_persona_gets_the_answer_of_its_role_and_scope(
    client, request, at_risk, zone, method, address, persona, expected
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = address.format(code=at_risk.lookup_code, zone=zone.pk)
    data = {"status": "new", "note": "Đã gọi điện"} if method == "post" else None
    response = getattr(client, method)(url, data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/")
    else:
        assert response.status_code == expected


@pytest.fixture
def elsewhere(make_declaration):
    """Someone of Thành phố Lai Châu who stayed there: outside Tam Đường's scope."""
    return make_declaration(
        full_name="Đèo Thị Xa",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
        symptoms=("cough",),
    ).person


def test_district_staff_see_their_residents_and_travellers_to_their_district(
    health_worker, at_risk, elsewhere, make_declaration
):
    visitor = make_declaration(
        full_name="Khách Đến Tam Đường",
        residence_district=LAI_CHAU_CITY,
        residence_commune=QUYET_THANG,
    ).person
    assert set(people_in_scope(health_worker)) == {at_risk, visitor}
    assert set(people_in_scope(health_worker, a_page=True)) == {at_risk, visitor}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL plan; CI runs this on PostgreSQL"
)
def test_a_page_of_the_district_list_looks_up_each_persons_journeys_not_all_of_them(
    client, health_worker, at_risk, elsewhere, make_declaration
):
    """A page of a district's risk list reads a few hundred people at most: their journeys to
    the district are looked up person by person, never all read into a hash first (80 ms
    among a million declarations). The whole scope (an export) keeps the hash."""
    for number in range(30):
        make_declaration(
            full_name=f"Khách {number}",
            residence_district=LAI_CHAU_CITY,
            residence_commune=QUYET_THANG,
            symptoms=("fever",),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client.force_login(health_worker)
    with CaptureQueriesContext(connection) as page:
        assert len(client.get("/y-te/").context["rows"]) == 31
    [listed] = [  # the page's query, not the scope's counts (tracing.risk_counts)
        q["sql"]
        for q in page
        if "EXISTS" in q["sql"] and "declarations_person" in q["sql"] and "COUNT(" not in q["sql"]
    ]
    assert "hashed SubPlan" not in plan(listed)
    assert "hashed SubPlan" in plan(*people_in_scope(health_worker).query.sql_with_params())


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL plan; CI runs this on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)  # committed, to be vacuumed as a server's tables are
def test_whether_a_person_travelled_to_the_district_is_read_from_one_index_alone(
    health_worker, at_risk, elsewhere
):
    """The question a district's list asks of each person it passes: one look-up in the index of
    journeys by district then person, which alone answers it once the table is vacuumed
    (declarations.0019). By district then day, it was answered from the person's declarations,
    each read from the table to see where it went."""
    journeys = people_in_scope(health_worker, a_page=True).filter(pk=elsewhere.pk)
    sql, params = journeys.query.sql_with_params()
    with connection.cursor() as cursor:
        # Vacuumed, as autovacuum keeps a server's tables (declarations.0018): otherwise an
        # index-only read weighs as much as the person's own declarations read from the table,
        # and which one a handful of rows gets depends on the tests run before.
        for table in ("declarations_person", "declarations_declaration"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        # A handful of rows, as in a million: not read whole, nor through a bitmap of an index.
        settings = ("enable_seqscan", "enable_bitmapscan")
        for setting in settings:
            cursor.execute(f"SET {setting} = off")
        try:
            shown = plan(sql, params)
        finally:
            for setting in settings:
                cursor.execute(f"RESET {setting}")
    assert "using decl_district_person" in shown, shown
    assert "(to_district_id = " in shown and "(person_id = declarations_person.id)" in shown, shown


def plan(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_district_staff_do_not_find_another_districts_people_on_the_list(
    client, health_worker, other_health_worker, at_risk, elsewhere
):
    client.force_login(health_worker)
    listed = [row.person.lookup_code for row in client.get("/y-te/").context["rows"]]
    assert listed == [at_risk.lookup_code]
    client.force_login(other_health_worker)
    listed = [row.person.lookup_code for row in client.get("/y-te/").context["rows"]]
    assert listed == [elsewhere.lookup_code]


def test_district_staff_get_404_for_another_districts_follow_up(client, health_worker, elsewhere):
    from accounts.models import AuditEntry

    client.force_login(health_worker)
    assert client.get(f"/y-te/theo-doi/{elsewhere.lookup_code}/").status_code == 404
    assert not AuditEntry.objects.filter(person=elsewhere).exists()


def test_facility_staff_see_the_people_who_declared_through_their_facility(
    facility_worker, facility, at_risk, make_declaration
):
    visitor = make_declaration(full_name="Bệnh Nhân", point=facility.point).person
    assert list(people_in_scope(facility_worker)) == [visitor]


def test_province_wide_staff_and_administrators_see_everyone_and_others_nobody(
    provincial_health_worker, administrator, officer, outsider, at_risk, elsewhere
):
    assert set(people_in_scope(provincial_health_worker)) == {at_risk, elsewhere}
    assert set(people_in_scope(administrator)) == {at_risk, elsewhere}
    assert not people_in_scope(officer).exists()
    assert not people_in_scope(outsider).exists()


def test_health_staff_without_a_district_or_facility_see_nobody(places, at_risk):
    from tests.conftest import make_staff

    unscoped = make_staff("unscoped", "health_staff")
    assert not people_in_scope(unscoped).exists()


def test_the_scope_is_one_query_on_the_people(
    health_worker, facility, at_risk, django_assert_num_queries
):
    from accounts.models import StaffProfile

    StaffProfile.objects.filter(user=health_worker).update(facility=facility)
    people_in_scope(health_worker)  # reads the roles and profile once per request
    with django_assert_num_queries(1):
        assert list(people_in_scope(health_worker)) == [at_risk]


def test_a_districts_scope_is_built_once_per_process_and_read_afresh_each_time(
    health_worker, at_risk, make_declaration, monkeypatch
):
    """The district's condition is built once for all its staff (``_people_of``); each caller
    gets a copy of that query, so that a list read by one request never answers the next."""
    from tests.conftest import make_staff
    from tracing import access

    access._people_of.cache_clear()
    built, build = [], access._declared

    def counted(exists, **where):
        built.append(where)
        return build(exists, **where)

    monkeypatch.setattr(access, "_declared", counted)
    read_once = people_in_scope(health_worker)
    assert list(read_once) == [at_risk]
    district = health_worker.staff_profile.district
    colleague = make_staff("colleague", "health_staff", district=district)
    newcomer = make_declaration(full_name="Người Mới Về", symptoms=("fever",)).person
    assert set(people_in_scope(colleague)) == {at_risk, newcomer}
    assert set(people_in_scope(health_worker)) == {at_risk, newcomer}
    assert built == [{"to_district_id": health_worker.staff_profile.district_id}]


def test_only_province_wide_staff_and_administrators_manage_zones(
    provincial_health_worker, administrator, health_worker, facility_worker, officer
):
    assert can_manage_zones(provincial_health_worker)
    assert can_manage_zones(administrator)
    assert not can_manage_zones(health_worker)
    assert not can_manage_zones(facility_worker)
    assert not can_manage_zones(officer)


def test_people_seen_by_the_same_staff_share_a_staff_key_whatever_coach_they_took(
    make_declaration, vehicle, facility, facility_worker
):
    """A person's scope (whom the follow-up may be given to, and its kept form's key) counts
    the health facilities they declared at, not the coaches or checkpoints, which have no
    health staff of their own."""
    from tracing.access import person_scope

    at_home = make_declaration(full_name="Lò Văn Minh").person
    on_a_coach = make_declaration(full_name="Lò Thị Hoa", phone="0911222333", point=vehicle.point)
    at_hospital = make_declaration(full_name="Vàng A Dơ", phone="0911222444", point=facility.point)

    assert person_scope(on_a_coach.person).staff_key == person_scope(at_home).staff_key
    assert person_scope(at_hospital.person).points == {facility.point.pk}
    assert person_scope(at_hospital.person).staff_key != person_scope(at_home).staff_key


def test_the_staff_kept_in_memory_are_those_the_follow_up_form_offers(
    make_declaration, vehicle, facility, facility_worker, health_worker, provincial_health_worker
):
    """The staff directory in memory (whose keys key the kept list of assignees) and the form's
    query (which draws the list and checks what is sent) are two writings of one rule: for
    people of each kind of scope, they find the same staff."""
    from tracing.access import person_scope
    from tracing.forms_risk import health_staff_users

    make_staff("health-city", "health_staff", district_id=LAI_CHAU_CITY)
    make_staff("health-left", None, district_id=LAI_CHAU_CITY)  # no health role: never offered
    people = [
        make_declaration(full_name="Lò Văn Minh").person,
        make_declaration(full_name="Lò Thị Hoa", phone="0911222333", point=vehicle.point).person,
        make_declaration(full_name="Vàng A Dơ", phone="0911222444", point=facility.point).person,
        make_declaration(
            full_name="Lò Thị Xuân",
            phone="0911222555",
            to_district=LAI_CHAU_CITY,
            to_commune=QUYET_THANG,
        ).person,
    ]
    offered_sets = set()
    for person in people:
        scope = person_scope(person)
        offered = health_staff_users().filter(scope.staff()).distinct()
        assert scope.staff_ids() == set(offered.values_list("pk", flat=True))
        offered_sets.add(scope.staff_ids())
    assert len(offered_sets) == 3  # at home and on a coach alike; at the hospital; in the city


def test_the_staff_key_follows_whom_the_follow_up_may_be_given_to(
    make_declaration, health_worker, django_capture_on_commit_callbacks
):
    """People whose journeys differ only by a district with no health staff of its own share
    the key of the kept list of assignees; a worker given that district (or moved, or made
    province-wide) changes it at once."""
    from accounts.models import StaffProfile
    from tracing.access import person_scope

    at_home = make_declaration(full_name="Lò Văn Minh").person
    travelled = make_declaration(
        full_name="Lò Thị Hoa",
        phone="0911222333",
        to_district=LAI_CHAU_CITY,
        to_commune=QUYET_THANG,
    ).person
    assert person_scope(travelled).districts != person_scope(at_home).districts
    assert person_scope(travelled).staff_key == person_scope(at_home).staff_key

    with django_capture_on_commit_callbacks(execute=True):
        city_worker = make_staff("health-city", "health_staff", district_id=LAI_CHAU_CITY)
    assert person_scope(travelled).staff_key != person_scope(at_home).staff_key

    with django_capture_on_commit_callbacks(execute=True):
        profile = StaffProfile.objects.get(user=city_worker)
        profile.district_id = health_worker.staff_profile.district_id
        profile.save()
    assert person_scope(travelled).staff_key == person_scope(at_home).staff_key


def test_the_scope_for_one_person_is_the_scope_of_the_lists(
    request, at_risk, elsewhere, facility, make_declaration, checkpoint
):
    """The health pages check one person's scope by ``in_health_scope`` (a person's page, a
    follow-up) and the lists by ``people_in_scope``: two writings of one rule. For staff of each
    kind of scope and people of each kind, they answer alike."""
    from django.contrib.auth.models import Group

    from accounts.access import in_health_scope

    people = [
        at_risk,  # lives in Tam Đường
        elsewhere,  # lives in Thành phố Lai Châu and stayed there
        make_declaration(  # lives in the city, travelled to Tam Đường
            full_name="Khách Đến Tam Đường",
            phone="0911222333",
            residence_district=LAI_CHAU_CITY,
            residence_commune=QUYET_THANG,
        ).person,
        make_declaration(  # lives in the city, declared at the provincial hospital
            full_name="Bệnh Nhân",
            phone="0911222444",
            residence_district=LAI_CHAU_CITY,
            residence_commune=QUYET_THANG,
            to_district=LAI_CHAU_CITY,
            to_commune=QUYET_THANG,
            point=facility.point,
        ).person,
    ]
    officer_and_health = make_staff(
        "officer-health", "checkpoint_officer", checkpoint=checkpoint, district_id=LAI_CHAU_CITY
    )
    officer_and_health.groups.add(Group.objects.get(name="health_staff"))
    users = [
        *(
            request.getfixturevalue(name)
            for name in (
                "health_worker",
                "other_health_worker",
                "provincial_health_worker",
                "facility_worker",
                "administrator",
                "officer",
                "outsider",
            )
        ),
        make_staff("unscoped", "health_staff"),
        make_staff("both", "health_staff", district_id=TAM_DUONG, facility=facility),
        officer_and_health,
    ]
    seen = {}
    for user in users:
        listed = set(people_in_scope(user).filter(pk__in=[person.pk for person in people]))
        assert {person for person in people if in_health_scope(user, person)} == listed, user
        seen[user.username] = len(listed)
    assert seen == {
        "health": 2,
        "health2": 3,
        "cdc": 4,
        "hospital": 1,
        "root": 4,
        "officer": 0,
        "outsider": 0,
        "unscoped": 0,
        "both": 3,
        "officer-health": 3,
    }
