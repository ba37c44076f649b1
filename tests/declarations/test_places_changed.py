"""The reference places an administrator corrects in the admin (a commune added, a district
renamed) take effect on the declaration form at once, without restarting the site, and in the
other processes within seconds: each process kept its tree of places until it restarted."""

import time

import pytest
from django.test import Client

from declarations import places as kept_places
from declarations.models import Commune, District
from tests.conftest import TAM_DUONG


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_a_commune_added_in_the_admin_is_offered_at_once(
    admin_client, client, django_capture_on_commit_callbacks
):
    assert ["99990", "Xã Sơn Thủy"] not in client.get(f"/dia-gioi/{TAM_DUONG}/").json()["places"]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/declarations/commune/add/",
            {"code": "99990", "name": "Xã Sơn Thủy", "district": TAM_DUONG},
        )

    listed = client.get(f"/dia-gioi/{TAM_DUONG}/").json()["places"]
    assert ["99990", "Xã Sơn Thủy"] in listed


def test_a_district_renamed_in_the_admin_is_renamed_on_the_kept_blank_form(
    admin_client, django_capture_on_commit_callbacks
):
    citizen = Client()
    assert ">Huyện Tam Đường</option>" in citizen.get("/khai-bao/").content.decode()  # kept
    district = District.objects.get(code=TAM_DUONG)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/declarations/district/{TAM_DUONG}/change/",
            {"code": TAM_DUONG, "name": "Huyện Tam Đường Mới", "province": district.province_id},
        )

    page = citizen.get("/khai-bao/").content.decode()
    assert ">Huyện Tam Đường Mới</option>" in page


def test_another_process_sees_a_change_within_seconds(places, django_capture_on_commit_callbacks):
    tree = kept_places.place_tree()
    with django_capture_on_commit_callbacks(execute=True):
        Commune.objects.create(code="99990", name="Xã Sơn Thủy", district_id=TAM_DUONG)
    # As a process that holds the tree from before the change, and checks the shared cache's
    # version when its few seconds are over.
    kept = kept_places._kept
    kept.tree, kept.version, kept.checked_at = tree, "the version before", time.monotonic()
    assert kept_places.place_tree().get("99990") is None  # within its seconds: as it was
    kept.checked_at = float("-inf")
    assert kept_places.place_tree().name("99990") == "Xã Sơn Thủy"


def test_phones_fetch_the_children_of_a_place_again_once_the_places_changed(
    admin_client, django_capture_on_commit_callbacks
):
    """A phone keeps a place's children a day: the form asks for them at an address that holds
    the places' version, so that a commune added reaches it at once."""
    citizen = Client()
    before = citizen.get("/khai-bao/").context["form"].fields["residence_commune"]
    old = before.widget.attrs["data-url"]
    assert old.startswith("/dia-gioi/CODE/?v=")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/declarations/commune/add/",
            {"code": "99990", "name": "Xã Sơn Thủy", "district": TAM_DUONG},
        )

    after = citizen.get("/khai-bao/").content.decode()
    assert f'data-url="{old}"' not in after
    assert 'data-url="/dia-gioi/CODE/?v=' in after
