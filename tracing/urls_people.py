"""URLs of the people pages: search, duplicates and zoning."""

from django.urls import path

from tracing import people_views

urlpatterns = [
    path("y-te/tim-kiem/", people_views.search, name="search"),
    path("y-te/trung-lap/", people_views.duplicates, name="duplicates"),
    path("y-te/trung-lap/gop/", people_views.duplicates_merge, name="duplicates_merge"),
    path("y-te/khoanh-vung/", people_views.zoning, name="zoning"),
    path("y-te/khoanh-vung/xuat/", people_views.zoning_export, name="zoning_export"),
    path("y-te/ca-benh/<int:case_id>/khoanh-vung/", people_views.case_zoning, name="case_zoning"),
    path(
        "y-te/ca-benh/<int:case_id>/khoanh-vung/xuat/",
        people_views.case_zoning_export,
        name="case_zoning_export",
    ),
]
