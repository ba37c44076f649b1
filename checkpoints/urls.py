from django.urls import path

from checkpoints import bus_views, views

app_name = "checkpoints"

urlpatterns = [
    path("chot/", views.desk, name="desk"),
    path("chot/bang/", views.board, name="board"),
    path("chot/khai-bao/", views.declare_new, name="declare_new"),
    path("chot/kiem-tra-xe/", bus_views.bus_check, name="bus_check"),
    path("chot/kiem-tra-xe/<int:pk>/", bus_views.bus_check_done, name="bus_check_done"),
    path("giao-thong/phat-hien/", bus_views.findings, name="findings"),
    path("giao-thong/phat-hien/<str:plate>/", bus_views.finding_checks, name="finding_checks"),
    path("chot/<int:pk>/poster/", views.poster, name="poster"),
    path("chot/<int:pk>/qr.<str:kind>", views.qr_image, name="qr_image"),
    path("chot/<int:pk>/doi-ma-qr/", views.replace_qr, name="replace_qr"),
    path("c/<str:code>/", views.person, name="person"),
    path("c/<str:code>/qua-chot/", views.record_passage, name="record_passage"),
    path("c/<str:code>/yeu-cau-cap-nhat/", views.require_update, name="require_update"),
    path("c/<str:code>/nguy-co/", views.flag_risk, name="flag_risk"),
    path("c/<str:code>/khai-bao/", views.declare_update, name="declare_update"),
]
