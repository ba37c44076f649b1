from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.home, name="home"),
    path("khai-bao/", views.declare, name="declare"),
    path("khai-bao/cap-nhat/", views.update, name="update"),
    path("q/<str:token>/", views.point_declare, name="point"),
    path("khai-bao/xong/<uuid:token>/", views.success, name="success"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/to-khai/", views.my_declarations, name="my_declarations"),
    path("quyen-rieng-tu/", views.privacy, name="privacy"),
    path("dia-gioi/<str:code>/", views.places, name="places"),
]
