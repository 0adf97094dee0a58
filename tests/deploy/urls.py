"""The site's URLs plus a view that fails the way a database constraint error would."""

from django.urls import path

from federation_portal.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise ValueError('duplicate key value violates unique constraint: Key (mobile)=(13812345678) exists')


urlpatterns = [path("test-failure/", failing_view), *site_urlpatterns]
