from django.core.management.base import BaseCommand, CommandError

from events import compliance, services


class Command(BaseCommand):
    help = (
        "Email member organizations that have no community public-benefit activity published for the current "
        "month (Shanghai time). Meant to run from cron around the 20th of each month."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM instead of the current month.")
        parser.add_argument("--dry-run", action="store_true", help="List the organizations without sending mail.")

    def handle(self, *args, month=None, dry_run=False, **options):
        current = compliance.this_month()
        target = compliance.parse_month(month, default=None) if month else current
        if target is None:
            raise CommandError("--month must look like 2026-05.")
        organizations = list(compliance.organizations_to_remind(target))
        for organization in organizations:
            self.stdout.write(f"{organization.name}")
            if not dry_run:
                services.send_duty_reminder(organization, month=target)
        verb = "would be reminded" if dry_run else "reminded"
        self.stdout.write(self.style.SUCCESS(f"{len(organizations)} organizations {verb} for {target:%Y-%m}."))
