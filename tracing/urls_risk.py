"""URLs of the risk pages."""

urlpatterns = []
