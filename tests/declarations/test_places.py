from django.core.management import call_command

from declarations.models import Commune, District, Person, Province
from declarations.places import place_tree, places_load, with_places
from tests.conftest import LAI_CHAU, TAM_DUONG, TAM_DUONG_TOWN


def test_every_unit_of_the_2021_list_is_loaded(places):
    assert Province.objects.count() == 63
    assert District.objects.count() == 705
    assert Commune.objects.count() == 10_603


def test_lai_chau_has_8_districts_and_106_communes(places):
    assert Province.objects.get(code="12").name == "Tỉnh Lai Châu"
    assert District.objects.filter(province="12").count() == 8
    assert Commune.objects.filter(district__province="12").count() == 106


def test_codes_are_zero_padded_strings(places):
    assert District.objects.get(code="105").name == "Thành phố Lai Châu"
    assert Commune.objects.get(code="03386").district_id == "105"
    assert Commune.objects.get(code="00001").name == "Phường Phúc Xá"


def test_loading_twice_changes_nothing(places, capsys):
    Commune.objects.filter(code="00001").update(name="edited")
    call_command("load_places")
    call_command("load_places")
    assert Commune.objects.count() == 10_603
    assert Commune.objects.get(code="00001").name == "Phường Phúc Xá"
    assert "10603" in capsys.readouterr().out


def test_the_loader_reports_counts(places):
    counts = places_load()
    assert sorted(counts.values()) == [63, 705, 10_603]


def test_the_json_endpoint_lists_children(client, places):
    districts = client.get("/dia-gioi/12/").json()["places"]
    assert len(districts) == 8
    assert ["105", "Thành phố Lai Châu"] in districts
    communes = client.get("/dia-gioi/105/").json()["places"]
    assert ["03386", "Phường Quyết Thắng"] in communes
    assert client.get("/dia-gioi/zzz/").json() == {"places": []}


def test_with_places_attaches_the_places_from_memory(places, citizen, django_assert_num_queries):
    person = Person.objects.get(pk=citizen.pk)
    with django_assert_num_queries(0):
        (same,) = with_places([person], *Person.PLACES)
        shown = [str(same.residence_commune), str(same.residence_district)]
        shown += [str(same.residence_district.province), str(same.residence_province)]
    assert same is person
    names = [places.name(code) for code in (TAM_DUONG_TOWN, TAM_DUONG, LAI_CHAU, LAI_CHAU)]
    assert shown == names
    assert same.residence_commune.district is same.residence_district  # one instance per place


def test_a_code_the_tree_does_not_know_is_read_from_the_database(places, citizen):
    District.objects.create(code="999", name="Huyện mới", province_id=LAI_CHAU)  # after the tree
    Person.objects.filter(pk=citizen.pk).update(residence_district_id="999")
    (person,) = with_places(Person.objects.filter(pk=citizen.pk), "residence_district")
    assert str(person.residence_district) == "Huyện mới"


def test_reloading_the_places_renews_the_kept_instances(places, citizen):
    Province.objects.filter(code=LAI_CHAU).update(name="Tỉnh Lai Châu (cũ)")
    place_tree.cache_clear()
    (person,) = with_places([Person.objects.get(pk=citizen.pk)], "residence_province")
    assert str(person.residence_province) == "Tỉnh Lai Châu (cũ)"
    places_load()
    (person,) = with_places([Person.objects.get(pk=citizen.pk)], "residence_province")
    assert str(person.residence_province) == "Tỉnh Lai Châu"
