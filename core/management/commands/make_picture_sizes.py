"""Make the smaller versions of pictures stored before PictureField made them (safe to run again)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from PIL import Image, UnidentifiedImageError

from core.caching import data_changed
from core.pictures import PictureField, make_sizes, size_name, widths_below


def picture_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, PictureField):
                yield model, field


class Command(BaseCommand):
    help = (
        "Make the smaller versions of stored pictures and record their sizes, for pictures that have none "
        "yet (with --all: also remake versions missing from the storage). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Check every picture's versions in the storage, not only new rows."
        )

    def handle(self, *args, **options):
        made = missing = 0
        for model, field in picture_fields():
            rows = model._base_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
            if not options["all"]:
                rows = rows.filter(**{f"{field.width_field}__isnull": True})
            for pk, name, width in rows.values_list("pk", field.attname, field.width_field).iterator():
                storage = field.storage
                if width and all(storage.exists(size_name(name, w)) for w in widths_below(width, field.widths)):
                    continue
                try:
                    with storage.open(name, "rb") as stored:
                        data = stored.read()
                    width, height = make_sizes(storage, name, data, field.widths)
                except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
                    missing += 1
                    self.stderr.write(f"{model._meta.label} {pk}: {name}: {exc}")
                    continue
                model._base_manager.filter(pk=pk).update(**{field.width_field: width, field.height_field: height})
                made += 1
        if made:
            data_changed()  # pages now list the versions
        if options["verbosity"]:
            self.stdout.write(f"Pictures given their versions: {made}; unreadable or missing: {missing}.")
