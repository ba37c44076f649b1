"""The project's URLs plus ``POST /bench/baseline/``: the cheapest write the stack can do.

The baseline view goes through the same middleware as the declaration form (CSRF included),
inserts one row with raw SQL and answers with a redirect, so that comparing the two shows what the
form, the validation and the declaration's own writes cost on top.
"""

from django.db import connection
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from truyvet import urls as project_urls

BASELINE_INSERT = "INSERT INTO bench_baseline (payload, created_at) VALUES (%s, now())"


@require_POST
def baseline(request):
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_INSERT, [request.POST.get("payload", "")])
    return redirect("declarations:home")


urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    *project_urls.urlpatterns,
]

handler404 = project_urls.handler404
handler500 = project_urls.handler500
