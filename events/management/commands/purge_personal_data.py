from django.conf import settings
from django.core.management.base import BaseCommand

from events import services


class Command(BaseCommand):
    help = (
        "Erase residents' names, mobiles and emails from sign-ups whose event ended more than "
        "PERSONAL_DATA_RETENTION_DAYS days ago; the counts stay. Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help=f"retention in days (default {settings.PERSONAL_DATA_RETENTION_DAYS})"
        )

    def handle(self, *args, days=None, **options):
        erased = services.purge_personal_data(retention_days=days)
        self.stdout.write(self.style.SUCCESS(f"Personal data erased from {erased} sign-ups."))
