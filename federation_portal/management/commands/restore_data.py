from django.core.management.base import BaseCommand, CommandError

from core.caching import data_changed
from federation_portal.backup import restore_backup


class Command(BaseCommand):
    help = "Restore a folder written by backup_data into the configured database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder")
        parser.add_argument("--database-url", help="restore into this (empty) database instead")
        parser.add_argument("--media-root", help="restore uploaded files here instead of MEDIA_ROOT")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, source, database_url=None, media_root=None, yes=False, **options):
        if not yes and input(f"Replace the current data with {source}? Type 'yes': ").strip() != "yes":
            raise CommandError("Restore cancelled.")
        manifest = restore_backup(source, database_url=database_url, media_root=media_root)
        data_changed()
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(f"Restored {rows} rows from {manifest['created_at']}."))
