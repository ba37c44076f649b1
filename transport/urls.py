from django.urls import path

from transport import views

app_name = "transport"

urlpatterns = [
    path("nha-xe/", views.vehicles, name="vehicles"),
    path("nha-xe/hanh-khach/<str:code>/", views.passenger_check, name="passenger_check"),
    path("nha-xe/xe/<int:pk>/", views.vehicle, name="vehicle"),
    path("nha-xe/xe/<int:pk>/hanh-khach/", views.manifest, name="manifest"),
    path("nha-xe/xe/<int:pk>/hanh-khach.xlsx", views.manifest_xlsx, name="manifest_xlsx"),
    path(
        "nha-xe/xe/<int:pk>/hanh-khach/<str:code>/bo/",
        views.passenger_remove,
        name="passenger_remove",
    ),
    path(
        "nha-xe/xe/<int:pk>/hanh-khach/<str:code>/dua-lai/",
        views.passenger_restore,
        name="passenger_restore",
    ),
    path("nha-xe/xe/<int:pk>/khai-ho/", views.declare, name="declare"),
    path("nha-xe/xe/<int:pk>/poster/", views.poster, name="poster"),
    path("nha-xe/xe/<int:pk>/qr.<str:kind>", views.qr_image, name="qr_image"),
    path("nha-xe/xe/<int:pk>/doi-ma-qr/", views.replace_qr, name="replace_qr"),
]
