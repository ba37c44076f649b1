"""The administrator sees in the admin that the nightly retention purge runs, what it removed,
and the retention period in force: its runs were recorded but shown nowhere."""

import pytest

from reports.models import Purge
from reports.retention import purge_expired


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_purges_runs_are_listed_under_the_retention_period(admin_client, settings, citizen):
    settings.RETENTION_DAYS = 45
    purge_expired()

    response = admin_client.get("/admin/reports/purge/")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(Purge.objects.all())
    page = response.content.decode()
    assert "dữ liệu cá nhân được giữ 45 ngày" in page
    assert ">Lần xóa dữ liệu<" in admin_client.get("/admin/").content.decode()


def test_no_one_edits_or_deletes_a_purges_record(admin_client, citizen):
    purge_expired()
    run = Purge.objects.get()
    assert admin_client.get(f"/admin/reports/purge/{run.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/reports/purge/add/").status_code == 403
