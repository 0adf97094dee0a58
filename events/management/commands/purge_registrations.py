from django.core.management.base import BaseCommand

from events import services


class Command(BaseCommand):
    help = f"Delete residents' sign-ups {services.RETENTION_DAYS} days after their event ended (run daily from cron)."

    def handle(self, *args, **options):
        deleted = services.purge_old_registrations()
        self.stdout.write(self.style.SUCCESS(f"{deleted} sign-ups deleted."))
