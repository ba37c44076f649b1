"""A view that leaves work for after its response (tests/truyvet/test_after_response.py)."""

from django.http import HttpResponse
from django.urls import path

from truyvet.after_response import after_response

done: list = []


def later(request):
    after_response(lambda: done.append("after"))
    return HttpResponse(f"answered with {done}")


urlpatterns = [path("later/", later)]
