"""Staff accounts beside what a page lists are read by name only (accounts.names)."""

from accounts.names import with_staff_names
from checkpoints.models import Passage
from checkpoints.services import passage_record

SHOWN = ("username", "first_name", "last_name")
UNSHOWN = ("password", "email", "last_login", "is_superuser", "is_staff", "date_joined")


def test_a_joined_account_is_read_by_name_only(db):
    sql = str(with_staff_names(Passage.objects.all(), "officer").query)
    assert 'JOIN "auth_user"' in sql
    for name in SHOWN:
        assert f'"auth_user"."{name}"' in sql
    for name in UNSHOWN:
        assert f'"auth_user"."{name}"' not in sql


def test_its_name_needs_no_further_query(citizen, checkpoint, officer, django_assert_num_queries):
    officer.first_name, officer.last_name = "Lan", "Vũ Thị"
    officer.save()
    passage_record(
        person=citizen, checkpoint=checkpoint, officer=officer, direction="in", outcome="allowed"
    )
    with django_assert_num_queries(1):
        [passage] = with_staff_names(Passage.objects.all(), "officer")
        assert (passage.officer.get_full_name(), str(passage.officer)) == ("Lan Vũ Thị", "officer")
