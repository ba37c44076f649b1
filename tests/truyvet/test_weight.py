"""The declaration page must stay light for a cheap phone on 3G."""

import gzip
import re

from django.contrib.staticfiles import finders

BUDGET_BYTES = 80 * 1024


def test_the_form_page_with_its_css_and_js_is_under_80_kb_compressed(client, places):
    html = client.get("/khai-bao/").content
    assets = re.findall(rb'(?:src|href)="/static/([^"]+)"', html)
    assert any(a.endswith(b".css") for a in assets) and any(a.endswith(b".js") for a in assets)

    sizes = {"page": len(gzip.compress(html))}
    for asset in assets:
        path = finders.find(asset.decode())
        with open(path, "rb") as f:
            sizes[asset.decode()] = len(gzip.compress(f.read()))

    assert sum(sizes.values()) < BUDGET_BYTES, sizes


def test_no_model_change_is_missing_a_migration(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
