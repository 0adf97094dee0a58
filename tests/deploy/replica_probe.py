"""Run in a fresh process with DATABASE_REPLICA_URL set: which database each kind of request reads from.

The replica is a copy of the primary taken before the primary got one more community, so the
counts also show whose data a read saw.
"""

import json

import django

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from federation_portal.middleware import ReplicaMiddleware  # noqa: E402
from members.models import Community  # noqa: E402
from tests.members.factories import UserFactory  # noqa: E402


def queries(action, *, data_only=False):
    """Run `action`; return ({"primary": n, "replica": n}, its result). `data_only` leaves out the reads of the
    site version (core.caching: one row, read from the primary before a request's routing starts)."""
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        result = action()
    primary = [query for query in primary.captured_queries if not (data_only and "core_dataversion" in query["sql"])]
    return {"primary": len(primary), "replica": len(replica)}, result


def through_middleware(view, method="get", cookies=None):
    request = getattr(RequestFactory(), method)("/")
    request.user = AnonymousUser()
    request.COOKIES.update(cookies or {})
    counts, response = queries(lambda: ReplicaMiddleware(view)(request))
    return {**counts, **json.loads(response.content), "pinned": "fp_primary" in response.cookies}


def read_write_read(request):
    before = Community.objects.count()
    Community.objects.create(name="Written during the request", code="W1")
    return JsonResponse({"before": before, "after": Community.objects.count()})


def read_in_transaction(request):
    with transaction.atomic():
        return JsonResponse({"count": Community.objects.count()})


def read_only(request):
    return JsonResponse({"count": Community.objects.count()})


results = {}
client = Client()
counts, response = queries(lambda: client.get("/"), data_only=True)
results["anonymous_page"] = {**counts, "status": response.status_code}
client.cookies["fp_primary"] = "1"
counts, response = queries(lambda: client.get("/"))
results["pinned_page"] = {**counts, "status": response.status_code}

staff = Client()
staff.force_login(UserFactory(username="staff-member", is_staff=True))
counts, response = queries(lambda: staff.get("/"))
results["logged_in_page"] = {**counts, "status": response.status_code}

results["anonymous_read"] = through_middleware(read_only)
results["anonymous_post_read"] = through_middleware(read_only, method="post")
results["pinned_read"] = through_middleware(read_only, cookies={"fp_primary": "1"})
results["read_write_read"] = through_middleware(read_write_read)
results["read_in_transaction"] = through_middleware(read_in_transaction)
results["outside_requests"] = queries(Community.objects.count)[0]
print(json.dumps(results))
