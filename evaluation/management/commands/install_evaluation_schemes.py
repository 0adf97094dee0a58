from django.core.management.base import BaseCommand

from evaluation.schemes import install_default_schemes


class Command(BaseCommand):
    help = "Install the default evaluation schemes (等级评估, 1000 points; the street's 星级, 100 points) once."

    def handle(self, *args, **options):
        for scheme in install_default_schemes():
            self.stdout.write(f"{scheme}: {scheme.total_points()} points")
