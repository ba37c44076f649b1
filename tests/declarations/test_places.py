from django.core.management import call_command

from declarations.models import Commune, District, Province
from declarations.places import places_load


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
