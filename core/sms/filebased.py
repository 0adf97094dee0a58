import dataclasses
import json
import os
from pathlib import Path

from django.conf import settings

from . import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Appends one JSON line per message to SMS_FILE_PATH/messages.jsonl (a worker's end-to-end test)."""

    def send(self, message):
        folder = Path(self.options.get("path") or settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({**dataclasses.asdict(message), "pid": os.getpid()}, ensure_ascii=False)
        with open(folder / "messages.jsonl", "a", encoding="utf-8") as file:
            file.write(line + "\n")
        return ""
