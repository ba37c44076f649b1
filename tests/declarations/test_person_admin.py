"""People come with their first declaration, which gives them their lookup code: the admin's
"Add" for people made one without a code, and failed with a server error."""


def test_the_admin_adds_no_person(client, administrator):
    client.force_login(administrator)

    assert client.get("/admin/declarations/person/add/").status_code == 403
    response = client.post(
        "/admin/declarations/person/add/",
        {
            "full_name": "Thử Nghiệm",
            "birth_year": "1990",
            "sex": "male",
            "residence_province": "12",
            "residence_district": "105",
            "residence_commune": "03386",
        },
    )
    assert response.status_code == 403
    assert "/admin/declarations/person/add/" not in client.get("/admin/").content.decode()
