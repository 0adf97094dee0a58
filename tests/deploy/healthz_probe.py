"""Run in a fresh process: GET /healthz over plain HTTP, by the server's own address (a load balancer's probe)
and by the site's host name."""

import json

import django

django.setup()

from django.test import Client  # noqa: E402

result = {}
for host in ("10.0.0.5:8000", "portal.example.cn"):
    response = Client().get("/healthz", HTTP_HOST=host)
    result[host] = {"status": response.status_code, "body": response.content.decode(),
                    "location": response.get("Location")}
print(json.dumps(result))
