"""Under load, every declaration sent is recorded exactly once: 200 phones at once send 5,000
declarations to gunicorn (4 workers), one in ten of them twice with the same form token."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db.models import Count

from declarations.models import Declaration, Person
from tests.reliability.conftest import needs_postgresql
from tests.reliability.site import (
    Phone,
    Sent,
    UnexpectedReply,
    accepted_token,
    declaration_fields,
)

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

PHONES = 200
DECLARATIONS = 5_000
SENT_TWICE_EVERY = 10  # one in ten is sent twice; of those, every other one at the same instant
READ_CODE_EVERY = 5  # the success page of one in five (among them every one sent twice) is read


def test_200_phones_sending_5000_declarations_some_twice_make_5000_people_with_unique_codes(
    start_site,
):
    site = start_site(workers=4)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PHONES) as pool:
        batches = [range(first, DECLARATIONS, PHONES) for first in range(PHONES)]
        futures = [pool.submit(one_phone, site.port, numbers) for numbers in batches]
    failures = [future.exception() for future in futures if future.exception() is not None]
    elapsed = time.monotonic() - started
    print(f"\n{DECLARATIONS} declarations from {PHONES} phones in {elapsed:.1f} s")

    assert failures == [], f"{len(failures)} phones failed, the first: {failures[0]}"
    sent = [declaration for future in futures for declaration in future.result()]
    assert len({declaration.form_token for declaration in sent}) == DECLARATIONS
    assert Declaration.objects.count() == DECLARATIONS
    assert Person.objects.count() == DECLARATIONS
    assert Person.objects.values("lookup_code").distinct().count() == DECLARATIONS
    assert not Person.objects.annotate(n=Count("declarations")).exclude(n=1).exists()
    recorded = {
        str(token): Sent(str(token), id_number, code)
        for token, id_number, code in Declaration.objects.values_list(
            "submission_token", "person__id_number", "person__lookup_code"
        )
    }
    codes_read = [declaration for declaration in sent if declaration.code]
    assert len(codes_read) >= DECLARATIONS // READ_CODE_EVERY
    assert codes_read == [recorded[declaration.form_token] for declaration in codes_read]
    assert {(d.form_token, d.id_number) for d in sent} == {
        (d.form_token, d.id_number) for d in recorded.values()
    }


def one_phone(port: int, numbers: range) -> list[Sent]:
    """One phone opens the form and sends its declarations one after another; some twice."""
    phone = Phone(port)
    phone.open_form()
    sent = []
    for number in numbers:
        if number % SENT_TWICE_EVERY:
            sent.append(phone.declare(number, read_code=number % READ_CODE_EVERY == 0))
        elif number % (2 * SENT_TWICE_EVERY):
            sent.append(phone.declare(number))
            sent.append(phone.declare(number))  # sent again after the answer: a retry
        else:
            sent.append(send_twice_at_once(phone, number))  # a double tap
        phone.next_form()
    assert len(set(sent)) == len(numbers), "sending twice gave two different answers"
    return list(set(sent))


def send_twice_at_once(phone: Phone, number: int) -> Sent:
    fields = declaration_fields(number, phone.form_token)
    together = threading.Barrier(2, timeout=30)
    replies = []

    def send():
        together.wait()
        replies.append(phone.send(fields))

    other = threading.Thread(target=send)
    other.start()
    send()
    other.join()
    for reply in replies:
        if str(accepted_token(reply)) != phone.form_token:
            raise UnexpectedReply("POST /khai-bao/", reply)
    return Sent(phone.form_token, fields["id_number"], phone.read_code(replies[0]))
