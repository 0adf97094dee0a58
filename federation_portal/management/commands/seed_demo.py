from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from core.caching import data_changed
from events.services import purge_personal_data
from stats import figures

# Dependency order: each app seeds on top of the previous.
DEMO_APPS = ["members", "projects", "events", "communities", "evaluation", "contracts", "incubation", "reports"]


class Command(BaseCommand):
    help = "Build the Changshou Road demo world (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        for label in DEMO_APPS:
            app = apps.get_app_config(label)
            if not module_has_submodule(app.module, "demo"):
                continue
            with transaction.atomic():
                import_module(f"{label}.demo").seed(stdout=self.stdout)
        # Demo pictures get their smaller versions when stored; this gives them to pictures of a demo database
        # seeded before the versions existed.
        call_command("make_picture_sizes", verbosity=0)
        purge_personal_data()  # the demo keeps residents' details no longer than the site does (as the nightly job)
        data_changed()  # rows went in with bulk_create too, which sends no signals
        headline = figures.headline_figures()  # what every page shows today
        self.stdout.write(
            f"figures on {headline['on']}: {headline['members']} members, {headline['organizations']} registered "
            f"organizations ({headline['government_share']} % government-funded), {headline['projects']} projects "
            f"running, {headline['activities']} community activities held this year"
        )
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
