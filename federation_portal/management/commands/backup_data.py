from django.core.management.base import BaseCommand
from django.utils import timezone

from federation_portal.backup import create_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into a new folder (default: backups/<date-time>)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="folder to create")

    def handle(self, *args, output=None, **options):
        output = output or f"backups/{timezone.localtime():%Y%m%d-%H%M%S}"
        path = create_backup(output)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
