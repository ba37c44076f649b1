"""A gunicorn worker killed with SIGKILL in the middle of the load, in the middle of writing a
declaration: every declaration whose success page came back is in the database, and nothing is
half-written. The phones whose request was cut send it again, as people would."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db.models import Count

from declarations.models import Declaration, Person
from tests.reliability.conftest import needs_postgresql
from tests.reliability.site import Phone, Sent

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

PHONES = 40
DECLARATIONS = 1_200
KILLS = 3  # at a quarter, a half and three quarters of the load
PATIENCE = 20  # times a phone sends a request before giving up
# A declaration's write, as sent: the INSERT (after the person's, in a transaction, where the
# ORM writes it), or the prepared statement's name once the session has prepared it.
DECLARATION_INSERTS = (
    b'INSERT INTO "declarations_declaration"',
    b"EXECUTE truyvet_pair_declarations_declaration",
)


class Killer:
    """Watches the site's queries through the proxy and, when armed, SIGKILLs the worker that
    sends the next declaration INSERT, before PostgreSQL receives it."""

    def __init__(self, site):
        self.site = site
        self.armed = False
        self.fired = threading.Event()
        self.killed: list[int] = []
        self.lock = threading.Lock()  # each proxied connection has its own thread

    def arm(self) -> None:
        with self.lock:
            self.fired.clear()
            self.armed = True

    def watch(self, data: bytes, site_port: int) -> None:
        if not any(insert in data for insert in DECLARATION_INSERTS):
            return
        with self.lock:
            if not self.armed:
                return
            pid = self.site.worker_holding_port(site_port)
            if pid is None:  # the worker went away meanwhile: catch the next one
                return
            os.kill(pid, signal.SIGKILL)
            self.killed.append(pid)
            self.armed = False
            self.fired.set()


def test_workers_killed_while_writing_lose_nothing_and_leave_nothing_half_written(
    start_site, database_proxy
):
    site = start_site(workers=4, proxy=database_proxy)
    master = site.master_pid
    killer = Killer(site)
    database_proxy.watch = killer.watch
    done = []

    phones = [Phone(site.port, patience=PATIENCE) for _ in range(PHONES)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PHONES) as pool:
        futures = [
            pool.submit(one_phone, phone, range(first, DECLARATIONS, PHONES), done)
            for first, phone in enumerate(phones)
        ]
        for kill in range(1, KILLS + 1):
            wait_for(lambda k=kill: len(done) >= k * DECLARATIONS // (KILLS + 1), timeout=120)
            killer.arm()
            assert killer.fired.wait(timeout=30), "no declaration was written after arming"
    failures = [future.exception() for future in futures if future.exception() is not None]
    retries = sum(phone.retries for phone in phones)
    elapsed = time.monotonic() - started
    print(f"\n{DECLARATIONS} declarations, {KILLS} kills, {retries} retries, {elapsed:.1f} s")

    assert failures == [], f"{len(failures)} phones gave up, the first: {failures[0]}"
    assert len(killer.killed) == KILLS
    assert retries >= KILLS  # each kill cut a phone's request
    site.wait_until(lambda: len(site.worker_pids()) == site.workers, 30, "whole again")
    assert site.master_pid == master
    assert not site.worker_pids() & set(killer.killed)

    sent = [declaration for future in futures for declaration in future.result()]
    assert len(sent) == DECLARATIONS
    recorded = {
        Sent(str(token), id_number, code)
        for token, id_number, code in Declaration.objects.values_list(
            "submission_token", "person__id_number", "person__lookup_code"
        )
    }
    assert recorded == set(sent)  # every code a phone was shown, each declaration once
    assert Person.objects.count() == DECLARATIONS
    assert not Person.objects.filter(declarations__isnull=True).exists()  # no half-written one
    assert not Person.objects.values("id_number").annotate(n=Count("id")).filter(n__gt=1)


def one_phone(phone: Phone, numbers: range, done: list) -> list[Sent]:
    phone.open_form()
    sent = []
    for number in numbers:
        sent.append(phone.declare(number))
        done.append(number)
        phone.next_form()
    return sent


def wait_for(condition, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the load stalled"
        time.sleep(0.05)
