from django.apps import AppConfig


class FederationPortalConfig(AppConfig):
    name = "federation_portal"

    def ready(self):
        from . import pagecache

        pagecache.connect_signals()
