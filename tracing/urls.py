from tracing import urls_cases, urls_contacts, urls_people, urls_risk

app_name = "tracing"

urlpatterns = [
    *urls_risk.urlpatterns,
    *urls_cases.urlpatterns,
    *urls_contacts.urlpatterns,
    *urls_people.urlpatterns,
]
