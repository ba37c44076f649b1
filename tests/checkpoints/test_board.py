import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import AuditEntry
from checkpoints.models import Passage
from checkpoints.services import passage_record
from declarations.services import declaration_submit
from tests.conftest import declaration_data, form_data


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
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in html
    assert 'data-refresh="30"' in html and "data-refresh-toggle" in html
    assert "row-risk-high" in html


def test_declarations_on_the_spot_are_counted(client, officer, record, citizen):
    record(citizen, outcome="declared")
    client.force_login(officer)
    assert client.get("/chot/bang/").context["counts"]["declared"] == 1


def test_the_tile_counts_people_at_risk_once_however_often_they_crossed(
    client, officer, record, make_declaration
):
    feverish = make_declaration(symptoms=("fever",)).person
    record(feverish, direction="in")
    record(feverish, direction="out")
    client.force_login(officer)
    counts = client.get("/chot/bang/").context["counts"]
    assert (counts["entering"], counts["leaving"], counts["at_risk"]) == (1, 1, 1)


def test_the_boards_entry_names_the_people_it_showed(client, officer, record, citizen):
    record(citizen)
    client.force_login(officer)
    client.get("/chot/bang/")
    entry = AuditEntry.objects.get(action="view_list")
    assert entry.people_shown == citizen.lookup_code


def test_an_officer_cannot_read_another_checkpoints_board(client, officer, other_checkpoint):
    client.force_login(officer)
    assert client.get(f"/chot/bang/?chot={other_checkpoint.pk}").status_code == 404


def test_the_board_page_is_well_formed(client, officer, checkpoint):
    client.force_login(officer)
    html = client.get("/chot/bang/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title
    assert html.count("<main") == 1


# The board's rows as its template drew them before they were drawn in Python (both tables with
# the person's current risk).
TEMPLATE_ROWS = """{% load risk %}{% for p in passages %}
  <tr class="row-risk-{{ p.person.risk_level }}"><td>{{ p.at|date:"H:i" }}</td>
  <td><a class="font-monospace" href="{{ p.person.staff_path }}">{{ p.person.display_code }}</a>
  </td>
  <td>{{ p.person.full_name }}</td><td>{{ p.get_direction_display }}</td>
  <td>{{ p.vehicle_plate }}</td><td>{{ p.get_outcome_display }}</td>
  <td>{% risk_badge p.person %}</td></tr>
{% endfor %}|{% for d in qr_declarations %}
  <tr class="row-risk-{{ d.person.risk_level }}"><td>{{ d.submitted_at|date:"H:i" }}</td>
  <td><a class="font-monospace" href="{{ d.person.staff_path }}">{{ d.person.display_code }}</a>
  </td>
  <td>{{ d.person.full_name }}</td><td>{{ d.vehicle_plate }}</td>
  <td>{% risk_badge d.person %}</td></tr>
{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_boards_rows_read_as_the_template_drew_them(
    client, officer, checkpoint, record, make_declaration, settings, language
):
    settings.LANGUAGE_CODE = language
    record(make_declaration(full_name="Lò <b>Văn</b> A").person, vehicle_plate="25A<i>1</i>")
    record(make_declaration(symptoms=("fever",)).person, direction="out", outcome="held")
    data = declaration_data(full_name="Đi & Qua", point=checkpoint.point, vehicle_plate="")
    declaration_submit(data=data, token=uuid.uuid4())
    client.force_login(officer)
    response = client.get("/chot/bang/")

    bodies = re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    with translation.override(language):
        drawn_before = Template(TEMPLATE_ROWS).render(
            Context({name: response.context[name] for name in ("passages", "qr_declarations")})
        )
    assert [parse_html(body) for body in bodies] == list(map(parse_html, drawn_before.split("|")))
    assert len(response.context["passages"]) == 2 and len(response.context["qr_declarations"]) == 1
    assert "Lò &lt;b&gt;Văn&lt;/b&gt; A" in bodies[0] and "25A&lt;i&gt;1&lt;/i&gt;" in bodies[0]
    assert "Đi &amp; Qua" in bodies[1]


def test_an_empty_board_says_so(client, officer, checkpoint):
    client.force_login(officer)
    html = client.get("/chot/bang/").content.decode()
    assert "Hôm nay chưa có lượt qua chốt nào." in html
    assert "Hôm nay chưa có người nào khai báo bằng mã QR của chốt này." in html


def test_the_board_reads_the_same_queries_however_many_rows(
    client, officer, checkpoint, record, make_declaration
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/chot/bang/").status_code == 200
        return len(context.captured_queries)

    client.force_login(officer)
    record(make_declaration(full_name="Người 0").person)
    client.post(checkpoint.point.public_path, form_data(full_name="Qua QR 0"))
    client.get("/chot/bang/")  # the session's first renewal, the kept fragments
    few = queries()
    for number in range(1, 6):
        record(make_declaration(full_name=f"Người {number}").person)
        client.post(checkpoint.point.public_path, form_data(full_name=f"Qua QR {number}"))
    assert queries() == few


def test_an_administrator_chooses_the_board_of_any_checkpoint(
    client, administrator, checkpoint, other_checkpoint
):
    client.force_login(administrator)
    page = client.get("/chot/bang/", {"chot": other_checkpoint.pk}).content.decode()
    assert f'<option value="{other_checkpoint.pk}" selected>' in page
    assert f'<option value="{checkpoint.pk}">' in page
    poster = client.get(f"/chot/{other_checkpoint.pk}/poster/").content.decode()
    assert f'href="/chot/bang/?chot={other_checkpoint.pk}"' in poster  # back to its own board


def test_an_officer_has_no_checkpoint_to_choose(client, officer, checkpoint):
    client.force_login(officer)
    assert 'name="chot"' not in client.get("/chot/bang/").content.decode()


def test_the_admin_links_a_checkpoint_to_its_poster_and_board(client, administrator, checkpoint):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    page = client.get(f"/admin/checkpoints/checkpoint/{checkpoint.pk}/change/").content.decode()
    assert f'href="/chot/{checkpoint.pk}/poster/"' in page
    assert f'href="/chot/bang/?chot={checkpoint.pk}"' in page


def test_a_person_reads_at_one_risk_in_both_tables_of_the_board(
    client, officer, checkpoint, record
):
    """Someone who declared at medium risk with the checkpoint's QR and was then confirmed as a
    contact shows at high risk in the QR table too, as in the passages table beside it."""
    from declarations.models import Person

    data = declaration_data(point=checkpoint.point, exposures=("from_epidemic_area",))
    person = declaration_submit(data=data, token=uuid.uuid4()).person
    Person.objects.filter(pk=person.pk).update(risk_level="high")
    record(person)
    client.force_login(officer)

    bodies = re.findall(r"<tbody>(.*?)</tbody>", client.get("/chot/bang/").content.decode(), re.S)

    for body in bodies:
        assert "row-risk-high" in body and 'class="badge risk-high"' in body
        assert "risk-medium" not in body
