from django.contrib import admin
from django.urls import include, path

from truyvet import views

admin.site.site_header = "Truy Vết"
admin.site.site_title = "Truy Vết"

urlpatterns = [
    path("", include("declarations.urls")),
    path("", include("checkpoints.urls")),
    path("", include("accounts.urls")),
    path("", include("transport.urls")),
    path("", include("facilities.urls")),
    path("", include("tracing.urls")),
    path("", include("reports.urls")),
    path("", include("guide.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "truyvet.views.not_found"
handler500 = "truyvet.views.server_error"
