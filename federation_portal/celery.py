"""The Celery app: workers deliver the outbox and run the periodic jobs (beat). Settings: CELERY_* in settings.py.

    celery -A federation_portal worker -l info
    celery -A federation_portal beat -l info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation_portal.settings")

app = Celery("federation_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
