import re

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import timezone

from accounts.models import AuditEntry
from declarations.models import Person
from tracing.duplicates import people_merge


@pytest.fixture
def desk(client, officer):
    client.force_login(officer)
    return client


def search(desk, text):
    return desk.get("/chot/", {"q": text})


@pytest.fixture
def hoa(make_declaration):
    """Nguyễn Thị Hoà, with a CCCD, who came on coach 25B-012.34."""
    return make_declaration(
        full_name="Nguyễn Thị Hoà",
        phone="0912345678",
        id_number="012188001234",
        transport="coach",
        vehicle_plate="25B-012.34",
    ).person


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{dashed}",
        "{lower}",
        "{spaced}",
        "http://truyvet.laichau.gov.vn/c/{code}/",
        "https://127.0.0.1:8000/c/{dashed}/",
    ],
)
def test_a_code_in_any_form_opens_the_person_at_once(desk, hoa, typed):
    code = hoa.lookup_code
    text = typed.format(
        code=code,
        dashed=hoa.display_code,
        lower=hoa.display_code.lower(),
        spaced=f"{code[:4].lower()} {code[4:].lower()}",
    )
    response = search(desk, text)
    assert response.status_code == 302
    assert response["Location"] == f"/c/{code}/"


@pytest.mark.parametrize(
    "typed", ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678"]
)
def test_a_phone_in_any_common_format_finds_the_person(desk, hoa, citizen, typed):
    response = search(desk, typed)
    assert response.context["people"] == [hoa]


@pytest.mark.parametrize("typed", ["+86 138 0013 8000", "0086 13800138000"])
def test_a_foreign_number_finds_the_traveller(desk, make_declaration, citizen, typed):
    traveller = make_declaration(full_name="Wang Wei", phone="+8613800138000").person
    assert search(desk, typed).context["people"] == [traveller]


@pytest.mark.parametrize("typed", ["012188001234", "012 188 001 234"])
def test_an_id_number_finds_the_person(desk, hoa, citizen, typed):
    assert search(desk, typed).context["people"] == [hoa]


@pytest.mark.parametrize(
    "typed", ["Nguyễn Thị Hoà", "nguyen thi hoa", "NGUYEN THI HOA", "thi hoa", "Hoà", "hoa"]
)
def test_a_name_with_or_without_accents_finds_the_person(desk, hoa, citizen, typed):
    assert search(desk, typed).context["people"] == [hoa]


@pytest.mark.parametrize("typed", ["25B-012.34", "25b01234", "25B 012 34", "25B-01234"])
def test_a_plate_in_any_format_finds_its_passengers(desk, hoa, citizen, typed):
    assert search(desk, typed).context["people"] == [hoa]


def test_results_are_newest_first_with_risk_badges(desk, make_declaration):
    older = make_declaration(full_name="Lò Văn Minh").person
    newer = make_declaration(full_name="Lò Thị Minh", symptoms=("fever",)).person
    response = search(desk, "minh")
    assert response.context["people"] == [newer, older]
    assert "risk-high" in response.content.decode()


def test_results_come_in_pages(desk, make_declaration):
    people = [make_declaration(full_name=f"Quàng Văn Lả {n}").person for n in range(25)]
    first = search(desk, "quang van la")
    assert len(first.context["people"]) == 20
    assert first.context["newer"] is None
    older = str(first.context["older"])
    assert f'href="?q=quang%20van%20la&amp;sau={older}"' in first.content.decode()
    second = desk.get("/chot/", {"q": "quang van la", "sau": older})
    assert len(second.context["people"]) == 5
    assert second.context["older"] is None
    assert set(first.context["people"] + second.context["people"]) == set(people)
    back = desk.get("/chot/", {"q": "quang van la", "truoc": str(second.context["newer"])})
    assert back.context["people"] == first.context["people"]


def test_a_later_page_emptied_by_updates_says_so_and_links_back(desk, make_declaration):
    people = [make_declaration(full_name=f"Quàng Văn Lả {n}").person for n in range(25)]
    older = str(search(desk, "quang van la").context["older"])
    Person.objects.filter(pk__in=[p.pk for p in people]).update(updated_at=timezone.now())
    emptied = desk.get("/chot/", {"q": "quang van la", "sau": older})
    html = emptied.content.decode()
    assert emptied.context["people"] == []
    assert "Không còn ai ở phía sau" in html
    assert "Không tìm thấy người nào" not in html
    assert f'href="?q=quang%20van%20la&amp;truoc={older}"' in html


def test_nobody_found_offers_to_declare_on_the_spot(desk, citizen):
    response = search(desk, "khong co ai")
    assert response.context["people"] == []
    assert "/chot/khai-bao/" in response.content.decode()


def test_a_code_merged_into_another_person_opens_the_person_kept(desk, hoa, citizen):
    old_code = citizen.lookup_code
    people_merge(keep=hoa, merge=citizen, user=None)

    response = search(desk, f"{old_code[:4]}-{old_code[4:]}")

    assert response.status_code == 302
    assert response["Location"] == f"/c/{old_code}/"
    page = desk.get(response["Location"])
    assert page.context["person"] == hoa
    assert (
        f"Mã {citizen.display_code} là hồ sơ trùng của người này. Hồ sơ đã được gộp vào mã "
        f"{hoa.display_code}" in page.content.decode()
    )


def test_a_person_opened_by_their_own_code_says_nothing_of_merging(desk, hoa, citizen):
    people_merge(keep=hoa, merge=citizen, user=None)

    page = desk.get(f"/c/{hoa.lookup_code}/")

    assert page.context["merged"] is None
    assert "gộp" not in page.content.decode()


def test_the_phone_of_a_duplicate_merged_away_finds_the_person_kept(desk, hoa, citizen):
    assert citizen.phone != hoa.phone
    people_merge(keep=hoa, merge=citizen, user=None)

    response = search(desk, citizen.phone)

    assert response.context["people"] == [hoa]
    assert search(desk, hoa.phone).context["people"] == [hoa]


@pytest.mark.parametrize("typed", ["ABCD-EFGH", "abcdefgh", "http://x/c/ABCD-EFG2/", "7kqx 3m9p"])
def test_a_code_nobody_has_is_said_so_not_searched_as_a_name(desk, citizen, typed, settings):
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = search(desk, typed)

    html = response.content.decode()
    assert response.context["unknown_code"] in html
    assert "No one has the lookup code" in html
    assert "Check the code with the person" in html
    assert "Results by" not in html


def test_a_name_without_accents_that_finds_nobody_is_not_called_a_code(desk, citizen, settings):
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = search(desk, "lo thi hoa")

    html = response.content.decode()
    assert "unknown_code" not in response.context
    assert "Results by name for" in html
    assert "Nobody found." in html


def test_every_search_is_audited_with_its_text(desk, officer, citizen):
    search(desk, "lo van")
    entry = AuditEntry.objects.get(action="search")
    assert (entry.user, entry.detail, entry.client_ip) == (officer, "lo van", "127.0.0.1")


def test_the_searchs_entry_names_the_people_it_showed(desk, citizen, make_declaration):
    other = make_declaration(full_name="Lò Thị Mai", phone="0912000111").person
    search(desk, "lo")
    entry = AuditEntry.objects.get(action="search")
    assert set(entry.people_shown.split()) == {citizen.lookup_code, other.lookup_code}


def test_one_letter_asks_for_more_rather_than_saying_nobody_declared(desk, citizen):
    html = search(desk, " L ").content.decode()
    assert "Nhập ít nhất hai chữ cái của họ tên" in html
    assert "hãy khai hộ ngay" not in html


def test_the_search_box_has_focus_on_load(desk):
    assert "autofocus" in desk.get("/chot/").content.decode()


def test_the_box_is_drawn_empty_after_a_search_with_the_text_kept_aside(desk, citizen):
    html = search(desk, "lo van <b>").content.decode()

    [box] = re.findall(r"<input [^>]*name=\"q\"[^>]*>", html)
    assert " value=" not in box  # a code scanned next cannot land in front of the old text
    assert 'data-previous="lo van &lt;b&gt;"' in box


def test_a_full_name_shared_by_many_is_answered_by_its_exact_matches(desk, make_declaration):
    namesakes = [make_declaration(full_name="Lò Văn Minh").person for _ in range(21)]
    longer = make_declaration(full_name="Lò Văn Minh Tuấn").person
    found = search(desk, "lo van minh").context["people"]
    assert set(found) <= set(namesakes) and len(found) == 20
    assert longer in search(desk, "van minh tuan").context["people"]


# The rows as the page's template drew them before they were drawn in Python (with the time of
# the latest declaration, not of the person's last change).
TEMPLATE_ROWS = """{% load risk %}{% for person in people %}
<tr class="row-risk-{{ person.risk_level }}">
  <td><a class="font-monospace fw-semibold"
    href="{{ person.staff_path }}">{{ person.display_code }}</a></td>
  <td>{{ person.full_name }}</td><td>{{ person.birth_year }}</td><td>{{ person.phone }}</td>
  <td>{{ person.residence_district }}</td><td>{% risk_badge person %}</td>
  <td>{{ person.last_declared_at|date:"H:i d/m/Y" }}</td>
</tr>{% endfor %}"""


def test_the_rows_read_as_the_template_drew_them(desk, make_declaration):
    make_declaration(full_name="Lò Văn <b>Minh</b>", phone="")
    make_declaration(full_name="Lò Thị Minh & Co", symptoms=("fever",))
    response = search(desk, "minh")
    people = response.context["people"]
    assert len(people) == 2

    table = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)

    drawn_before = Template(TEMPLATE_ROWS).render(Context({"people": people}))
    assert parse_html(table) == parse_html(drawn_before)
    assert "Lò Văn &lt;b&gt;Minh&lt;/b&gt;" in table


def test_last_declared_is_the_latest_declarations_time_not_the_persons_last_change(
    desk, make_declaration, django_assert_num_queries
):
    """A health worker closing a case at 10:02 does not make the traveller read as declared at
    10:02: the column shows their latest declaration (09:50), for every row in one query."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from declarations.models import Declaration

    at = datetime(2026, 12, 6, 9, 50, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    people = [make_declaration(full_name=f"Nguyễn Thị Xuân {n}").person for n in range(3)]
    Declaration.objects.filter(person__in=people).update(submitted_at=at)
    changed = at.replace(hour=10, minute=2)
    Person.objects.filter(pk__in=[p.pk for p in people]).update(updated_at=changed)

    search(desk, "nguyen thi xuan")  # the session and the places, read once
    # The audit entry, the count of exact namesakes, the known names holding the name, and the
    # page of people with their times.
    with django_assert_num_queries(4):
        html = search(desk, "nguyen thi xuan").content.decode()

    assert html.count("09:50 06/12/2026") == 3
    assert "10:02" not in html
