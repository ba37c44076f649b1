"""URLs of the cases pages."""

from django.urls import path

from tracing import case_views

urlpatterns = [
    path("y-te/ca-benh/", case_views.case_list, name="cases"),
    path("y-te/ca-benh/moi/", case_views.case_new, name="case_new"),
    path("y-te/ca-benh/<int:pk>/", case_views.case_detail, name="case"),
    path("y-te/ca-benh/<int:pk>/chuoi/", case_views.case_chain, name="case_chain"),
    path("y-te/ca-benh/<int:pk>/dong/", case_views.case_close_view, name="case_close"),
    path("y-te/ca-benh/<int:pk>/de-xuat/", case_views.case_propose, name="case_propose"),
    path(
        "y-te/ca-benh/<int:pk>/de-xuat-f2/",
        case_views.case_propose_onward,
        name="case_propose_onward",
    ),
    path(
        "y-te/ca-benh/<int:pk>/tiep-xuc/<int:contact_pk>/",
        case_views.contact_decision,
        name="contact_decision",
    ),
    path(
        "y-te/ca-benh/<int:pk>/tiep-xuc/tat-ca/",
        case_views.contacts_decision,
        name="contacts_decision",
    ),
]
