from django.urls import path

from facilities import views

app_name = "facilities"

urlpatterns = [
    path("co-so-y-te/", views.visitors, name="visitors"),
    path("co-so-y-te/excel/", views.visitors_xlsx, name="visitors_xlsx"),
    path("co-so-y-te/khai-bao/", views.declare, name="declare"),
    path("co-so-y-te/<int:pk>/poster/", views.poster, name="poster"),
    path("co-so-y-te/<int:pk>/qr.<str:kind>", views.qr_image, name="qr_image"),
    path("co-so-y-te/<int:pk>/doi-ma-qr/", views.replace_qr, name="replace_qr"),
]
