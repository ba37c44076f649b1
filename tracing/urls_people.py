"""URLs of the people pages."""

urlpatterns = []
