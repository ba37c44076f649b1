from django.utils import translation

from tracing.models import FollowUp, FollowUpStatus


def test_a_person_who_declares_at_risk_gets_a_new_follow_up(make_declaration):
    person = make_declaration(symptoms=("fever",)).person
    assert person.follow_up.status == FollowUpStatus.NEW


def test_a_person_without_risk_gets_no_follow_up(make_declaration):
    make_declaration()
    assert not FollowUp.objects.exists()


def test_a_risk_flagged_at_a_checkpoint_opens_a_follow_up(client, officer, citizen):
    client.force_login(officer)
    client.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "high", "reason": "Sốt 39 độ"})
    assert FollowUp.objects.get(person=citizen).reason == "Sốt 39 độ"


def test_declaring_again_keeps_one_follow_up(make_declaration):
    person = make_declaration(symptoms=("cough",)).person
    make_declaration(person=person, symptoms=("fever",))
    assert FollowUp.objects.filter(person=person).count() == 1


def _reason_shown(client, person) -> str:
    html = client.get(f"/y-te/theo-doi/{person.lookup_code}/").content.decode()
    start = html.index('id="follow-up-opened-reason">')
    return html[start : html.index("</dd>", start)].split(">")[-1]


def test_the_reason_the_system_wrote_is_shown_in_the_readers_language(
    client, health_worker, make_declaration, settings
):
    with translation.override("en"):  # a citizen declared on the English form
        english = make_declaration(symptoms=("cough",)).person
    with translation.override("vi"):  # another on the Vietnamese one
        vietnamese = make_declaration(full_name="Lò Văn Ho", symptoms=("cough",)).person
    client.force_login(health_worker)

    assert _reason_shown(client, english) == _reason_shown(client, vietnamese) == "Nguy cơ cao"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _reason_shown(client, english) == _reason_shown(client, vietnamese) == "High risk"


def test_a_reason_staff_typed_is_shown_as_typed_in_every_language(
    client, health_worker, officer, citizen, settings
):
    client.force_login(officer)
    client.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "high", "reason": "High"})
    client.force_login(health_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _reason_shown(client, citizen) == "High"


def test_the_follow_up_card_shows_the_current_risk_and_the_opening_reason_as_such(
    client, health_worker, make_declaration
):
    """Opened at medium risk (contact with a suspected case), then declared again with a
    fever (high): the card says high risk now, as the banner does, and that it was opened for
    medium risk."""
    person = make_declaration(exposures=("suspected_case",)).person
    make_declaration(person=person, symptoms=("fever",))
    client.force_login(health_worker)

    html = client.get(f"/y-te/theo-doi/{person.lookup_code}/").content.decode()

    assert 'Nguy cơ hiện tại</dt><dd class="col-6" id="follow-up-risk">Nguy cơ cao</dd>' in html
    assert "Lý do mở theo dõi" in html
    assert _reason_shown(client, person) == "Nguy cơ trung bình"
