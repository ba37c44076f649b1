from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.report, name="report"),
]
