"""The annual report draft of an organization with 100 activities (issue 20 asks for ≤ 3 s): on the demo database
(`make seed` first), `DEBUG=1 .venv/bin/python bench/annual_report.py` (or with the production settings). Gives the
demo organization (org@changshou.demo) completed, reported activities up to 100 in the current year, times its
draft's page and .xlsx five times each through the test client, prints the median and the slowest, and rolls
everything back. Not a test: it is never run by `make test` or CI.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ACTIVITIES = 100
RUNS = 5


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation_portal.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from events.models import Event, EventReport
    from members.models import OrganizationAccount

    account = OrganizationAccount.objects.select_related("organization", "user").get(user__email="org@changshou.demo")
    year = timezone.localdate().year
    with transaction.atomic():
        events = Event.objects.listed().filter(organization=account.organization, starts_at__year=year)
        first = timezone.localtime().replace(month=1, day=5, hour=9, minute=0)
        for index in range(max(0, ACTIVITIES - events.count())):
            starts = first + timedelta(days=3 * index)
            event = Event.objects.create(
                organization=account.organization, title=f"基准活动 {index}", starts_at=starts,
                ends_at=starts + timedelta(hours=2), place="活动室", state=Event.State.COMPLETED, capacity=30,
            )
            EventReport.objects.create(event=event, attendance=20, volunteers=3, beneficiaries_served=25, summary="-")
        print(f"{account.organization.name}: {events.count()} activities in {year}")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(account.user)
        for name in ("reports:annual", "reports:annual-xlsx"):
            times = []
            for _run in range(RUNS):
                started = time.perf_counter()
                assert client.get(reverse(name, args=[year])).status_code == 200
                times.append(time.perf_counter() - started)
            print(f"{name}: median {sorted(times)[RUNS // 2]:.3f} s, slowest {max(times):.3f} s")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
