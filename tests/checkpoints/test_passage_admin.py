"""A passage is recorded at the desk by the officer who saw the traveller, and audited: the admin
shows passages and neither changes nor makes them up (its "Add" made one with any account, a bus
operator's too, as its officer)."""


def test_the_admin_adds_no_passage(client, administrator, citizen, checkpoint, operator):
    client.force_login(administrator)

    assert client.get("/admin/checkpoints/passage/add/").status_code == 403
    response = client.post(
        "/admin/checkpoints/passage/add/",
        {
            "person": citizen.pk,
            "checkpoint": checkpoint.pk,
            "at_0": "06/12/2026",
            "at_1": "08:00:00",
            "direction": "in",
            "outcome": "allowed",
            "officer": operator.pk,
        },
    )
    assert response.status_code == 403
    assert not citizen.passages.exists()
    assert "/admin/checkpoints/passage/add/" not in client.get("/admin/").content.decode()
