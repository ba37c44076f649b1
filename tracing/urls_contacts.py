"""URLs of the contacts pages."""

urlpatterns = []
