from datetime import timedelta

import pytest
from django.utils import timezone

from checkpoints.models import Passage
from checkpoints.services import passage_record


@pytest.fixture
def record(officer, checkpoint):
    def record(person, **values):
        values = {"direction": "in", "outcome": "allowed", "checkpoint": checkpoint, **values}
        return passage_record(person=person, officer=officer, **values)

    return record


def test_the_board_lists_todays_passages_at_the_officers_checkpoint(
    client, officer, record, make_declaration, other_checkpoint
):
    first = record(make_declaration(full_name="Lò Văn A").person)
    high = make_declaration(full_name="Lò Văn B", symptoms=("fever",)).person
    second = record(high, direction="out")
    record(make_declaration(full_name="Elsewhere").person, checkpoint=other_checkpoint)
    yesterday = record(make_declaration(full_name="Yesterday").person)
    Passage.objects.filter(pk=yesterday.pk).update(at=timezone.now() - timedelta(days=1))

    client.force_login(officer)
    response = client.get("/chot/bang/")

    assert list(response.context["passages"]) == [second, first]
    assert response.context["counts"] == {"entering": 1, "leaving": 1, "at_risk": 1, "declared": 0}
    html = response.content.decode()
    assert 'http-equiv="refresh" content="30"' in html
    assert "row-risk-high" in html


def test_declarations_on_the_spot_are_counted(client, officer, record, citizen):
    record(citizen, outcome="declared")
    client.force_login(officer)
    assert client.get("/chot/bang/").context["counts"]["declared"] == 1


def test_an_officer_cannot_read_another_checkpoints_board(client, officer, other_checkpoint):
    client.force_login(officer)
    assert client.get(f"/chot/bang/?chot={other_checkpoint.pk}").status_code == 404


def test_the_board_page_is_well_formed(client, officer, checkpoint):
    import re

    client.force_login(officer)
    html = client.get("/chot/bang/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title
    assert html.count("<main") == 1
