"""URLs of the contacts pages: contacts reported by an investigation team."""

from django.urls import path

from tracing import contact_views

urlpatterns = [
    path(
        "y-te/ca-benh/<int:case_id>/tiep-xuc/them/",
        contact_views.contact_add,
        name="contact_add",
    ),
    path(
        "y-te/ca-benh/<int:case_id>/tiep-xuc/nhap/",
        contact_views.contact_import,
        name="contact_import",
    ),
    path(
        "y-te/ca-benh/<int:case_id>/tiep-xuc/nhap/xac-nhan/",
        contact_views.contact_import_confirm,
        name="contact_import_confirm",
    ),
    path(
        "y-te/tiep-xuc/mau-nhap.<str:kind>",
        contact_views.contact_import_template,
        name="contact_import_template",
    ),
]
