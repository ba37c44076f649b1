"""URLs of the risk pages."""

from django.urls import path

from tracing import risk_views

urlpatterns = [
    path("y-te/", risk_views.risk_list, name="risk_list"),
    path("y-te/theo-doi/<str:code>/", risk_views.follow_up, name="follow_up"),
    path(
        "y-te/theo-doi/<str:code>/cap-nhat/",
        risk_views.follow_up_change,
        name="follow_up_change",
    ),
    path("y-te/vung-dich/", risk_views.zones, name="zones"),
    path("y-te/vung-dich/<int:pk>/ket-thuc/", risk_views.zone_close, name="zone_end"),
]
