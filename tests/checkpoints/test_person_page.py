import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.audit import detail_shown
from accounts.models import AuditEntry
from checkpoints.models import Passage
from checkpoints.services import SAME_CROSSING_WINDOW, passage_record
from declarations.models import Declaration, Person, RiskFlag
from declarations.services import declaration_submit, risk_flag_add
from tests.conftest import audit_detail, declaration_data, form_data


@pytest.fixture
def desk(client, officer):
    client.force_login(officer)
    return client


def test_the_person_page_shows_identity_and_risk(desk, make_declaration):
    person = make_declaration(symptoms=("fever",)).person
    html = desk.get(f"/c/{person.lookup_code}/").content.decode()
    assert person.full_name in html
    assert person.display_code in html
    assert 'class="risk-banner risk-high' in html


def test_opening_a_person_is_audited(desk, officer, citizen):
    desk.get(f"/c/{citizen.display_code}/")
    entry = AuditEntry.objects.get(action="view_person")
    assert (entry.user, entry.person, entry.person_code) == (officer, citizen, citizen.lookup_code)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no PREPARE; CI runs this on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_each_audit_entry_is_one_statement_prepared_once_per_session(desk, officer, citizen):
    connection.close()  # a session that has not prepared it yet
    with CaptureQueriesContext(connection) as context:
        for _ in range(2):
            assert desk.get(citizen.staff_path).status_code == 200
    sent = [query["sql"].split(" (")[0] for query in context.captured_queries]
    statement = "truyvet_insert_accounts_auditentry"
    not_waiting = "SELECT set_config('synchronous_commit', 'off', true); "  # a view: accounts.audit
    assert [s for s in sent if "auditentry" in s] == [
        f'PREPARE {statement} AS INSERT INTO "accounts_auditentry"',
        f"{not_waiting}EXECUTE {statement}",
        f"{not_waiting}EXECUTE {statement}",
    ]
    entries = AuditEntry.objects.order_by("pk")
    assert [(e.user, e.person, e.action, e.client_ip) for e in entries] == [
        (officer, citizen, "view_person", "127.0.0.1")
    ] * 2


def test_the_page_needs_the_same_queries_however_long_the_history(
    desk, citizen, checkpoint, officer, make_declaration, django_assert_num_queries
):
    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert desk.get(f"/c/{citizen.lookup_code}/").status_code == 200
        return len(captured)

    queries_for_page()  # the first view also renews the session and renders the blank forms
    short = queries_for_page()
    for _ in range(30):
        make_declaration(person=citizen)
        passage_record(
            person=citizen,
            checkpoint=checkpoint,
            officer=officer,
            direction="in",
            outcome="allowed",
        )
    long = queries_for_page()
    assert short == long
    with django_assert_num_queries(long):
        desk.get(f"/c/{citizen.lookup_code}/")
    assert (
        long <= 15
    )  # user, 2 permission sets, roles, profile, session save (3), audit, page, deletion date


def test_recording_a_passage(desk, officer, citizen, checkpoint):
    response = desk.post(
        f"/c/{citizen.lookup_code}/qua-chot/",
        {
            "checkpoint": checkpoint.pk,
            "direction": "in",
            "vehicle_plate": "25b01234",
            "outcome": "allowed",
            "note": "Qua bình thường",
        },
    )
    assert response["Location"] == "/chot/"  # back to the search box, for the next scan
    passage = Passage.objects.get()
    assert (passage.person, passage.checkpoint, passage.officer) == (citizen, checkpoint, officer)
    assert passage.vehicle_plate == "25B-012.34"
    entry = AuditEntry.objects.get(action="record_passage", person=citizen)
    assert (audit_detail(entry), detail_shown(entry)) == ("Allowed through", "Cho qua")


def test_an_officer_records_passages_at_their_own_checkpoint_only(
    desk, citizen, checkpoint, other_checkpoint
):
    page = desk.get(f"/c/{citizen.lookup_code}/").content.decode()
    assert other_checkpoint.name not in page
    sent = {"checkpoint": other_checkpoint.pk, "direction": "in", "outcome": "allowed"}
    response = desk.post(f"/c/{citizen.lookup_code}/qua-chot/", sent)
    assert response.status_code == 400
    assert not Passage.objects.exists()


def test_an_administrator_records_a_passage_at_any_checkpoint(
    client, administrator, desk, citizen, checkpoint, other_checkpoint
):
    desk.get(f"/c/{citizen.lookup_code}/")  # the officer's kept list is not the administrator's
    client.force_login(administrator)
    page = client.get(f"/c/{citizen.lookup_code}/").content.decode()
    assert other_checkpoint.name in page
    sent = {"checkpoint": other_checkpoint.pk, "direction": "in", "outcome": "allowed"}
    client.post(f"/c/{citizen.lookup_code}/qua-chot/", sent)
    assert Passage.objects.get().checkpoint == other_checkpoint


def test_a_passage_sent_twice_is_one_crossing(desk, citizen, checkpoint):
    """A double click, or Enter pressed twice: the page's token records the crossing once."""
    page = desk.get(f"/c/{citizen.lookup_code}/").content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', page).group(1)
    other_page = desk.get(f"/c/{citizen.lookup_code}/").content.decode()
    assert token not in other_page  # each page its own, though the rest of the form is kept
    sent = {"checkpoint": checkpoint.pk, "direction": "in", "outcome": "allowed"}

    for _ in range(2):
        desk.post(f"/c/{citizen.lookup_code}/qua-chot/", sent | {"form_token": token})

    assert Passage.objects.count() == 1
    back = {"direction": "out", "form_token": str(uuid.uuid4())}
    desk.post(f"/c/{citizen.lookup_code}/qua-chot/", sent | back)
    assert Passage.objects.count() == 2  # the other way: another crossing


def test_the_form_sent_again_after_back_is_the_same_crossing(desk, citizen, checkpoint):
    """Back draws the page anew, with a new token: within two hours, the same direction at the
    same checkpoint is the crossing already recorded."""
    sent = {"checkpoint": checkpoint.pk, "direction": "in", "outcome": "allowed"}
    for _ in range(2):
        response = desk.post(
            f"/c/{citizen.lookup_code}/qua-chot/",
            sent | {"form_token": str(uuid.uuid4())},
            follow=True,
        )
    assert Passage.objects.count() == 1
    assert "không ghi nhận lại" in response.content.decode()
    assert AuditEntry.objects.filter(action="record_passage").count() == 2
    Passage.objects.update(at=timezone.now() - SAME_CROSSING_WINDOW - timedelta(minutes=1))
    desk.post(f"/c/{citizen.lookup_code}/qua-chot/", sent | {"form_token": str(uuid.uuid4())})
    assert Passage.objects.count() == 2  # hours later: another crossing


def test_a_traveller_declared_on_the_spot_is_not_recorded_again(desk, checkpoint):
    desk.post("/chot/khai-bao/", form_data())
    person = Person.objects.get()
    sent = {"checkpoint": checkpoint.pk, "direction": "in", "outcome": "allowed"}
    desk.post(f"/c/{person.lookup_code}/qua-chot/", sent | {"form_token": str(uuid.uuid4())})
    assert Passage.objects.get().outcome == "declared"  # the board still counts it


def test_a_measure_taken_at_a_crossing_already_recorded_replaces_its_outcome(
    desk, officer, citizen, checkpoint
):
    """A bus check let everyone through; the officer then holds one passenger: one crossing,
    held."""
    passage_record(
        person=citizen, checkpoint=checkpoint, officer=officer, direction="in", outcome="allowed"
    )
    sent = {"checkpoint": checkpoint.pk, "direction": "in", "outcome": "held", "note": "Sốt 39"}
    response = desk.post(
        f"/c/{citizen.lookup_code}/qua-chot/", sent | {"form_token": str(uuid.uuid4())}, follow=True
    )
    passage = Passage.objects.get()
    assert (passage.outcome, passage.note) == ("held", "Sốt 39")
    assert "Giữ lại để áp dụng biện pháp y tế" in response.content.decode()


def test_the_desk_says_whose_passage_was_recorded_with_the_cursor_in_its_search_box(
    desk, citizen, checkpoint, settings
):
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    passage = {"checkpoint": checkpoint.pk, "direction": "in", "outcome": "allowed"}

    response = desk.post(f"/c/{citizen.lookup_code}/qua-chot/", passage, follow=True)

    html = response.content.decode()
    assert f"Passage recorded for Lò Văn Minh ({citizen.display_code})." in html
    assert re.search(r'<input [^>]*name="q"[^>]*autofocus', html)


def test_the_passage_box_has_the_focus_and_comes_first_by_tab(desk, citizen):
    html = desk.get(f"/c/{citizen.lookup_code}/").content.decode()

    [box] = re.findall(r'<section [^>]*id="record-passage"[^>]*>', html)
    assert 'tabindex="-1"' in box and "autofocus" in box
    assert html.count("autofocus") == 1


def test_a_passage_sent_back_with_errors_leaves_the_focus_to_its_first_mistake(
    desk, citizen, checkpoint
):
    passage = {"checkpoint": checkpoint.pk, "direction": "in", "outcome": "allowed"}
    passage["vehicle_plate"] = "not a plate"
    html = desk.post(f"/c/{citizen.lookup_code}/qua-chot/", passage).content.decode()
    assert "autofocus" not in html


def test_the_plate_is_filled_in_only_from_a_journey_of_today(desk, make_declaration, today):
    old = make_declaration(vehicle_plate="25B-012.34", travel_date=today - timedelta(days=3))
    form = desk.get(f"/c/{old.person.lookup_code}/").context["passage_form"]
    assert form.initial["vehicle_plate"] == ""

    make_declaration(person=old.person, vehicle_plate="", travel_date=today)
    make_declaration(person=old.person, vehicle_plate="25A-111.22", travel_date=today)
    make_declaration(person=old.person, vehicle_plate="", travel_date=today - timedelta(days=1))
    form = desk.get(f"/c/{old.person.lookup_code}/").context["passage_form"]
    assert form.initial["vehicle_plate"] == "25A-111.22"


def test_the_passage_form_starts_at_the_officers_checkpoint(desk, citizen, checkpoint):
    form = desk.get(f"/c/{citizen.lookup_code}/").context["passage_form"]
    assert form.initial["checkpoint"] == checkpoint


def _field_html(html: str, name: str) -> str:
    """The HTML crispy-forms draws for one field: from its wrapper to the next field's or the
    form's end."""
    start = html.index(f'id="div_id_{name}"')
    ends = [html.find(end, start + 1) for end in ('id="div_id_', "</form>")]
    return html[start : min(end for end in ends if end != -1)]


def test_a_bad_passage_is_refused_with_its_error_beside_the_field(desk, citizen, checkpoint):
    response = desk.post(
        f"/c/{citizen.lookup_code}/qua-chot/",
        {
            "checkpoint": checkpoint.pk,
            "direction": "in",
            "vehicle_plate": "not a plate",
            "outcome": "allowed",
            "note": "Xe khách từ Hà Nội",
        },
    )
    assert response.status_code == 400
    assert not Passage.objects.exists()
    html = response.content.decode()
    assert "Nhập biển số đúng như ghi trên xe" in _field_html(html, "vehicle_plate")
    assert 'value="Xe khách từ Hà Nội"' in _field_html(html, "note")  # what was typed is kept
    assert "Chưa ghi nhận lượt qua chốt" in html
    assert citizen.full_name in html  # the person's page, drawn again
    assert AuditEntry.objects.filter(action="view_person", person=citizen).exists()


def test_must_update_is_shown_to_the_citizen_and_cleared_by_a_new_declaration(
    desk, client, citizen
):
    desk.post(f"/c/{citizen.lookup_code}/yeu-cau-cap-nhat/")
    citizen.refresh_from_db()
    assert citizen.must_update
    assert AuditEntry.objects.filter(action="require_update").exists()

    desk.logout()
    client.post("/tra-cuu/", {"code": citizen.lookup_code, "phone_last4": "4321"})
    page = client.get("/tra-cuu/to-khai/")
    assert page.context["person"].must_update
    assert "Please update" in page.content.decode() or "cập nhật tờ khai" in page.content.decode()

    data = form_data(
        phone=citizen.phone,
        residence_province=citizen.residence_province_id,
        residence_district=citizen.residence_district_id,
        residence_commune=citizen.residence_commune_id,
    )
    client.post("/khai-bao/cap-nhat/", data)
    citizen.refresh_from_db()
    assert not citizen.must_update


def test_flagging_a_risk_raises_the_persons_risk(desk, citizen, checkpoint):
    assert citizen.risk_level == "none"
    desk.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "high", "reason": "Sốt 38,5 độ"})
    citizen.refresh_from_db()
    assert citizen.risk_level == "high"
    flag = citizen.risk_flags.get()
    assert (flag.reason, flag.place) == ("Sốt 38,5 độ", checkpoint.name)
    assert AuditEntry.objects.filter(action="flag_risk", person=citizen).exists()


def test_a_flag_sent_twice_is_one_flag(desk, citizen):
    sent = {"level": "high", "reason": "Sốt 38,5 độ"}
    desk.post(f"/c/{citizen.lookup_code}/nguy-co/", sent)
    response = desk.post(f"/c/{citizen.lookup_code}/nguy-co/", sent, follow=True)
    assert citizen.risk_flags.count() == 1
    assert AuditEntry.objects.filter(action="flag_risk", person=citizen).count() == 1
    assert "không báo lại lần thứ hai" in response.content.decode()


def test_another_reason_is_another_flag(desk, citizen):
    desk.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "medium", "reason": "Ho"})
    desk.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "high", "reason": "Sốt 39 độ"})
    assert citizen.risk_flags.count() == 2


def test_an_open_flag_keeps_the_risk_after_a_new_clean_declaration(desk, citizen, make_declaration):
    desk.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "medium", "reason": "Ho"})
    make_declaration(person=citizen)
    citizen.refresh_from_db()
    assert citizen.risk_level == "medium"


def test_a_flag_without_reason_is_refused_with_its_error_beside_the_field(desk, citizen):
    response = desk.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "medium", "reason": "  "})
    assert response.status_code == 400
    citizen.refresh_from_db()
    assert citizen.risk_level == "none"
    assert not citizen.risk_flags.exists()
    html = response.content.decode()
    assert "Vui lòng nêu lý do" in _field_html(html, "reason")
    assert re.search(r'<option value="medium"\s+selected>', _field_html(html, "level"))
    # The next blank form is drawn from the kept fragment again, without the error.
    blank = desk.get(f"/c/{citizen.lookup_code}/").content.decode()
    assert "Vui lòng nêu lý do" not in _field_html(blank, "reason")


def test_markup_in_a_name_is_shown_as_text(desk, make_declaration):
    person = make_declaration(full_name="<script>alert(1)</script>").person
    html = desk.get(f"/c/{person.lookup_code}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_kept_passage_form_starts_with_each_persons_own_plate(
    desk, make_declaration, checkpoint
):
    def passage_form(person) -> str:
        html = desk.get(f"/c/{person.lookup_code}/").content.decode()
        return html.split('name="record"')[0].rsplit("Record a passage", 1)[-1]

    on_bus = make_declaration(transport="coach", vehicle_plate="25B-012.34").person
    by_car = make_declaration(full_name="Lò Thị Mai", vehicle_plate="25A-111.22").person
    for person, plate in ((on_bus, "25B-012.34"), (by_car, "25A-111.22"), (on_bus, "25B-012.34")):
        form = passage_form(person)
        assert f'name="vehicle_plate" value="{plate}"' in form
        assert f'<option value="{checkpoint.pk}" selected>' in form


def test_the_plate_field_is_written_as_crispy_forms_writes_it(desk, make_declaration, checkpoint):
    from django.template import engines
    from django.test.html import parse_html

    from checkpoints.forms import PassageForm

    person = make_declaration(transport="coach", vehicle_plate="25B-012.34").person
    html = desk.get(f"/c/{person.lookup_code}/").content.decode()
    ours = re.search(r'<div id="div_id_vehicle_plate".*?</div>', html, re.S).group(0)
    crispy = engines["django"].from_string("{% load crispy_forms_tags %}{{ f|as_crispy_field }}")
    theirs = crispy.render(
        {"f": PassageForm(initial={"vehicle_plate": "25B-012.34"})["vehicle_plate"]}
    )
    assert parse_html(ours) == parse_html(theirs)


def test_a_person_page_draws_no_form_field_through_crispy_forms_once_kept(
    desk, citizen, checkpoint
):
    page = f"/c/{citizen.lookup_code}/"
    desk.get(page)  # draws the kept parts of the forms
    drawn = [template.name for template in desk.get(page).templates]
    assert "checkpoints/person.html" in drawn
    assert not [name for name in drawn if name and name.startswith("bootstrap5/")]


def test_the_staff_beside_the_history_are_read_by_name_only(desk, officer, citizen, checkpoint):
    """Who made a declaration, recorded a passage, flagged a risk: shown by name (not by the
    login name), taken from the staff's names that the process keeps, never joined to the lists
    nor read whole."""
    officer.first_name, officer.last_name = "Chốt", "Lò Văn"
    officer.save()
    declaration_submit(
        data=declaration_data(), token=uuid.uuid4(), person=citizen, made_by_user=officer
    )
    passage_record(
        person=citizen, checkpoint=checkpoint, officer=officer, direction="in", outcome="allowed"
    )
    risk_flag_add(person=citizen, level="high", reason="Ho", place="Km 15", user=officer)

    desk.get("/chot/")  # the officer's account is kept from now on
    with CaptureQueriesContext(connection) as queries:
        html = desk.get(f"/c/{citizen.lookup_code}/").content.decode()
    with CaptureQueriesContext(connection) as again:
        assert desk.get(f"/c/{citizen.lookup_code}/").status_code == 200

    name = officer.get_full_name()
    assert f"({name})</td>" in html  # the declaration's maker
    assert f", {name})</span>" in html  # the flag's author
    assert f"<td>{name}</td>" in html  # the passage's officer
    assert officer.username not in html.split("</header>")[1]
    [names] = [q["sql"] for q in queries if '"auth_user"' in q["sql"]]
    assert '"auth_user"."first_name"' in names
    assert "JOIN" not in names and '"auth_user"."password"' not in names
    assert not [q for q in again if '"auth_user"' in q["sql"]]  # the names kept by the process


def test_once_opened_the_page_compiles_none_of_its_queries(desk, citizen, compilations):
    desk.get(citizen.staff_path)
    risk_flag_add(person=citizen, level="high", reason="Sốt", place="Km 15", user=None)
    compilations.clear()
    html = desk.get(citizen.staff_path).content.decode()
    assert "Sốt" in html  # the flag raised since: the kept query reads it
    assert not {Person, Declaration, Passage, RiskFlag} & set(compilations)


# The history's rows as the page's template drew them before they were drawn in Python.
TEMPLATE_HISTORY = """{% load risk %}{% for d in declarations %}
  <tr><td>{{ d.submitted_at|date:"H:i d/m/Y" }}</td><td>{{ d.travel_date|date:"d/m/Y" }}</td>
  <td>{{ d.from_province }}</td><td>{{ d.to_district }}</td>
  <td>{{ d.get_transport_display }}{% if d.vehicle_plate %} {{ d.vehicle_plate }}{% endif %}</td>
  <td>{% risk_badge d %}</td>
  <td>{{ d.get_made_by_display }}{% if d.made_by_user %}
  ({{ d.made_by_user.get_full_name|default:d.made_by_user.username }}){% endif %}</td></tr>
{% endfor %}|{% for p in passages %}
  <tr><td>{{ p.at|date:"H:i d/m/Y" }}</td><td>{{ p.checkpoint }}</td>
  <td>{{ p.get_direction_display }}</td><td>{{ p.vehicle_plate }}</td>
  <td>{{ p.get_outcome_display }}{% if p.note %}: {{ p.note }}{% endif %}</td>
  <td>{% if p.officer %}{{ p.officer.get_full_name|default:p.officer.username }}{% endif %}
  </td></tr>
{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_history_reads_as_the_template_drew_it(
    desk, officer, citizen, checkpoint, settings, language
):
    settings.LANGUAGE_CODE = language
    officer.username = "chot<b>1</b>"
    officer.save()
    data = declaration_data(vehicle_plate="24B<i>1</i>", symptoms=("fever",))
    declaration_submit(
        data=data, token=uuid.uuid4(), person=citizen, made_by="on_behalf", made_by_user=officer
    )
    passage_record(
        person=citizen, checkpoint=checkpoint, officer=officer, direction="in", outcome="allowed"
    )
    passage_record(
        person=citizen,
        checkpoint=checkpoint,
        officer=None,
        direction="out",
        outcome="held",
        vehicle_plate="25A-123.45",
        note="<script>x</script> & ho",
    )
    declaration_submit(  # by car, without a plate: the table still says how they travelled
        data=declaration_data(transport="car", vehicle_plate=""), token=uuid.uuid4(), person=citizen
    )
    response = desk.get(citizen.staff_path)

    bodies = re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    with translation.override(language):
        drawn_before = Template(TEMPLATE_HISTORY).render(
            Context({name: response.context[name] for name in ("declarations", "passages")})
        )
    assert [parse_html(body) for body in bodies] == list(map(parse_html, drawn_before.split("|")))
    assert len(response.context["declarations"]) == 3 and len(response.context["passages"]) == 2
    car = {"vi": "Ô tô cá nhân", "en": "Private car"}[language]
    assert f"<td>{car}</td>" in bodies[0]
    assert "&lt;script&gt;x&lt;/script&gt; &amp; ho" in bodies[1]
    assert "(chot&lt;b&gt;1&lt;/b&gt;)" in bodies[0] and "24B&lt;i&gt;1&lt;/i&gt;" in bodies[0]


def test_a_flag_raised_by_no_account_is_shown_without_a_name(desk, citizen):
    risk_flag_add(person=citizen, level="medium", reason="Sốt", place="Km 15", user=None)
    response = desk.get(f"/c/{citizen.lookup_code}/")
    assert response.status_code == 200
    assert "Sốt" in response.content.decode()
