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
