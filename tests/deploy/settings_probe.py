"""Run in a fresh process (`python -m tests.deploy.settings_probe`): prints what the environment configured."""

import json

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.files.storage import default_storage, storages  # noqa: E402
from django.db import connections, router  # noqa: E402

from members.models import Organization  # noqa: E402

default_storage._setup()
storage = default_storage._wrapped
print(json.dumps({
    "cache_backend": type(caches["default"]).__name__,
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "session_engine": settings.SESSION_ENGINE,
    "storage": f"{type(storage).__module__}.{type(storage).__name__}",
    "storage_bucket": getattr(storage, "bucket_name", None),
    "storage_endpoint": getattr(storage, "endpoint_url", None),
    "media_url": storage.url("logos/abc.jpg"),
    "static_storage": type(storages["staticfiles"]).__name__,
    "databases": sorted(connections.settings),
    "default_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "conn_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "replica_mirror": settings.DATABASES.get("replica", {}).get("TEST", {}).get("MIRROR"),
    "routers": settings.DATABASE_ROUTERS,
    "read_db_outside_requests": router.db_for_read(Organization),
    "log_format": settings.LOG_FORMAT,
    "debug": settings.DEBUG,
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
