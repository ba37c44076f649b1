"""A new person's declaration without risk is one INSERT statement on PostgreSQL
(``truyvet/inserts.py``), and writes exactly what the ORM's transaction writes."""

import uuid

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from declarations import codes
from declarations.models import Declaration, Person
from declarations.services import all_zones, declaration_submit
from tests.conftest import declaration_data
from tracing.models import FollowUp
from truyvet import inserts

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no INSERT inside WITH: it always writes through the ORM; CI runs "
        "these on PostgreSQL",
    ),
]

# What differs between two declarations by design.
DRAWN = {"id", "lookup_code", "submission_token", "created_at", "updated_at", "submitted_at"}


def _written(declaration: Declaration) -> tuple[dict, dict]:
    """The rows as the database holds them, without what is drawn or timed."""
    declaration = Declaration.objects.select_related("person").get(pk=declaration.pk)
    person = model_to_dict(declaration.person, exclude=DRAWN)
    person["name_folded"] = declaration.person.name_folded  # not editable, so not in the dict
    row = model_to_dict(declaration, exclude=DRAWN | {"person"})
    return person, row


def test_a_first_declaration_without_risk_is_one_statement(places):
    """Prepared once per database session, then only executed."""
    all_zones()  # the epidemic zones are read once a minute, from the cache
    connection.close()  # a session that has not prepared it yet
    with CaptureQueriesContext(connection) as queries:
        first = declaration_submit(data=declaration_data(), token=uuid.uuid4())
        second = declaration_submit(data=declaration_data(phone="0987000111"), token=uuid.uuid4())

    statement = "truyvet_pair_declarations_declaration"
    assert [query["sql"].split(" (")[0] for query in queries] == [
        f"PREPARE {statement} AS WITH parent AS",
        f"EXECUTE {statement}",
        f"EXECUTE {statement}",
    ]
    people = Person.objects.order_by("pk")
    assert [person.pk for person in people] == [first.person.pk, second.person.pk]
    declarations = Declaration.objects.order_by("pk")
    assert [d.pk for d in declarations] == [first.pk, second.pk]


def test_it_writes_what_the_orm_writes(places, monkeypatch):
    data = declaration_data(
        full_name="Đèo  Thị Ánh",
        id_number="012345678901",
        email="anh@example.vn",
        vehicle_plate="25B-012.34",
        places_visited="Chợ Tam Đường",
        vaccine_doses=2,
    )
    fast = declaration_submit(data=data, token=uuid.uuid4())
    monkeypatch.setattr(inserts, "supported", lambda model: False)
    with CaptureQueriesContext(connection) as queries:
        through_orm = declaration_submit(data=data, token=uuid.uuid4())

    assert len(queries) > 1  # the ORM's transaction: the comparison is between the two paths
    assert _written(fast) == _written(through_orm)
    assert Person.objects.get(pk=fast.person.pk).name_folded == "deo thi anh"


def test_what_it_returns_is_saved(places):
    declaration = declaration_submit(data=declaration_data(), token=uuid.uuid4())
    person = declaration.person
    assert not person._state.adding and not declaration._state.adding  # as after save()

    person.full_name = "Lò Văn Mạnh"
    person.save()

    assert Person.objects.get().name_folded == "lo van manh"
    assert Declaration.objects.get().person_id == person.pk


def test_the_same_token_twice_makes_one_declaration_and_one_person(places):
    token = uuid.uuid4()
    first = declaration_submit(data=declaration_data(), token=token)
    again = declaration_submit(data=declaration_data(full_name="Tòng Thị Lan"), token=token)

    assert again.pk == first.pk
    assert again.person.full_name == "Lò Văn Minh"
    assert (Person.objects.count(), Declaration.objects.count()) == (1, 1)


def test_a_code_collision_writes_nothing_and_draws_again(places, monkeypatch):
    first = declaration_submit(data=declaration_data(), token=uuid.uuid4()).person
    draws = iter([first.lookup_code, "ZZZZ4444"])
    monkeypatch.setattr(codes, "generate_code", lambda: next(draws))

    second = declaration_submit(data=declaration_data(full_name="Tòng Thị Lan"), token=uuid.uuid4())

    assert second.person.lookup_code == "ZZZZ4444"
    assert (Person.objects.count(), Declaration.objects.count()) == (2, 2)


def test_inside_a_transaction_a_refused_statement_leaves_the_transaction_usable(places):
    token = uuid.uuid4()
    with transaction.atomic():
        first = declaration_submit(data=declaration_data(), token=token)
        again = declaration_submit(data=declaration_data(), token=token)
        assert Declaration.objects.count() == 1

    assert again.pk == first.pk
    assert Person.objects.count() == 1


def test_a_declaration_at_risk_goes_through_the_transaction_with_its_follow_up(places):
    with CaptureQueriesContext(connection) as queries:
        declaration = declaration_submit(
            data=declaration_data(symptoms=("fever",)), token=uuid.uuid4()
        )

    assert not any(query["sql"].startswith("WITH parent") for query in queries)
    assert FollowUp.objects.get().person_id == declaration.person_id
