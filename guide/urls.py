from django.urls import path

from guide import views

app_name = "guide"

urlpatterns = [
    path("huong-dan/", views.index, name="index"),
    path("huong-dan/<slug:slug>/", views.page, name="page"),
]
