"""Run in a fresh process: GET /healthz the way a load balancer does (plain HTTP, the server's own address)."""

import json

import django

django.setup()

from django.test import Client  # noqa: E402

response = Client().get("/healthz", HTTP_HOST="10.0.0.5:8000")
print(json.dumps({
    "status": response.status_code, "body": response.content.decode(), "location": response.get("Location"),
}))
