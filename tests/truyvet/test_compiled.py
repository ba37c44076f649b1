"""``truyvet.compiled``: a call site's queryset is compiled to SQL once per process and run with
new values, giving the same objects as the queryset itself; on PostgreSQL it is also prepared
once per session."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkpoints.models import Outcome, Passage
from declarations.models import Person
from tests.conftest import make_staff
from tests.truyvet.test_prepared import on_postgresql, sent
from truyvet import compiled
from truyvet.compiled import compiled_once


@pytest.fixture
def fresh(compilations, monkeypatch):
    """No query kept yet in this process."""
    monkeypatch.setattr(compiled, "_kept", {})
    monkeypatch.setattr(compiled, "_made", {})
    return compilations


def passages_of(person: Person) -> list[Passage]:
    queryset = person.passages.select_related("checkpoint").order_by("id")[:20]
    return compiled_once(queryset, "test_passages", person.pk)


@pytest.fixture
def two_people(make_declaration, checkpoint, other_checkpoint):
    officer = make_staff("compiled-officer", None)
    first = make_declaration(full_name="Nguyễn Văn An").person
    second = make_declaration(full_name="Lò Thị Bình").person
    for person, place in ((first, checkpoint), (first, other_checkpoint), (second, checkpoint)):
        Passage.objects.create(
            person=person, checkpoint=place, officer=officer, outcome=Outcome.ALLOWED
        )
    return first, second


def test_it_is_compiled_once_and_gives_each_value_its_own_objects(fresh, two_people):
    first, second = two_people
    fresh.clear()
    first_passages, second_passages = passages_of(first), passages_of(second)
    assert fresh == [Passage]  # the second call sends the kept SQL
    assert [p.pk for p in first_passages] == list(
        first.passages.order_by("id").values_list("pk", flat=True)
    )
    assert [p.person_id for p in second_passages] == [second.pk]


def test_the_objects_carry_what_the_queryset_reads_with_them(fresh, two_people, checkpoint):
    first, _second = two_people
    passages_of(first)
    with CaptureQueriesContext(connection) as context:
        passages = passages_of(first)
        names = [p.checkpoint.name for p in passages]  # select_related
        owners = {p.person for p in passages}  # the related manager's person
    assert len(context.captured_queries) == 1
    assert checkpoint.name in names
    assert owners == {first}


def test_the_values_must_be_the_query_parameters_in_order(fresh, two_people):
    first, _second = two_people
    with pytest.raises(ValueError, match="takes"):
        compiled_once(first.passages.all(), "test_wrong_values", first.pk, 1)


def test_with_the_check_on_a_call_site_that_changes_shape_fails(settings, fresh, two_people):
    first, _second = two_people
    settings.COMPILED_QUERIES_VERIFY = True
    compiled_once(first.passages.all()[:20], "test_shape", first.pk)
    with pytest.raises(ValueError, match="changed shape"):
        compiled_once(first.passages.all()[20:40], "test_shape", first.pk)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_it_is_prepared_once_per_session(fresh, two_people):
    first, second = two_people
    connection.close()  # a session that has not prepared it yet
    with CaptureQueriesContext(connection) as context:
        assert len(passages_of(first)) == 2
        assert len(passages_of(second)) == 1
    assert sent(context) == [
        "PREPARE truyvet_q_test_passages",
        "EXECUTE truyvet_q_test_passages",
        "EXECUTE truyvet_q_test_passages",
    ]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_not_prepared_it_is_compiled_once_and_sent_whole_with_its_values(fresh, two_people):
    first, second = two_people
    connection.close()  # a session that has prepared nothing
    fresh.clear()
    with CaptureQueriesContext(connection) as context:
        found = []
        for person in (first, second):
            passages = person.passages.order_by("id")[:20]
            found.append(compiled_once(passages, "test_whole", person.pk, prepare=False))
    assert fresh == [Passage]  # compiled once
    assert [len(passages) for passages in found] == [2, 1]
    assert {p.person_id for p in found[1]} == {second.pk}
    # Sent whole, the values written in: PostgreSQL plans it for them each time.
    assert [query["sql"].split()[0] for query in context.captured_queries] == ["SELECT"] * 2
    assert f"= {second.pk}" in context.captured_queries[1]["sql"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prepare", [True, False])
def test_what_goes_before_is_sent_ahead_of_the_query_in_the_same_string(fresh, two_people, prepare):
    """A setting for the query alone (``truyvet.query_settings``) is sent with it."""
    first, _second = two_people
    before = "SELECT set_config('random_page_cost', '1.1', true); "
    passages = first.passages.order_by("id")[:20]
    with CaptureQueriesContext(connection) as context:
        found = compiled_once(passages, "test_before", first.pk, prepare=prepare, before=before)
    assert [passage.pk for passage in found] == [passage.pk for passage in passages]
    query = context.captured_queries[-1]["sql"]
    assert query.startswith(before + ("EXECUTE" if prepare else "SELECT"))


def test_it_is_sent_whole_where_it_cannot_be_prepared(fresh, two_people, pgbouncer):
    first, _second = two_people
    with CaptureQueriesContext(connection) as context:
        assert len(passages_of(first)) == 2
    assert len(context.captured_queries) == 1
    assert context.captured_queries[0]["sql"].startswith("SELECT")


def test_the_queryset_given_is_left_as_it_was(fresh, two_people):
    first, second = two_people
    passages_of(first)
    queryset = second.passages.select_related("checkpoint").order_by("id")[:20]
    assert len(compiled_once(queryset, "test_passages", second.pk)) == 1
    assert "get_compiler" not in vars(queryset.query)  # still compiles itself when run
    assert [p.person_id for p in queryset] == [second.pk]


def test_a_queryset_given_as_a_function_is_made_the_first_time_only(fresh, two_people):
    first, second = two_people
    made = []

    def codes_of(person):
        def make():
            made.append(person)
            return Person.objects.filter(pk=person.pk).values_list("lookup_code", flat=True)

        return compiled_once(make, "test_made_codes", person.pk)

    assert codes_of(first) == [first.lookup_code]
    assert codes_of(second) == [second.lookup_code]  # the kept query, with the new value
    assert made == [first]


def test_with_the_check_on_a_queryset_given_as_a_function_is_made_each_time(
    settings, fresh, two_people
):
    first, second = two_people
    settings.COMPILED_QUERIES_VERIFY = True
    made = []

    def make(person, limit):
        made.append(person)
        return person.passages.all()[:limit]

    compiled_once(lambda: make(first, 20), "test_made_shape", first.pk)
    with pytest.raises(ValueError, match="changed shape"):
        compiled_once(lambda: make(second, 40), "test_made_shape", second.pk)
    assert made == [first, second]
