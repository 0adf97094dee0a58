"""Templates ask the models (is_published, is_cancellable, available_actions…) what a state means; none compares a
state or status string itself (projects have their own test of this: tests/projects/test_views.py)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_COMPARISON = re.compile(r"\.(state|status|incubation_status)\s*(==|!=|in\b)")


def test_no_template_compares_state_strings():
    offending = [
        f"{path.relative_to(ROOT)}: {line.strip()[:100]}"
        for folder in ["templates", "core", "members", "projects", "events", "contracts", "stats"]
        for path in (ROOT / folder).rglob("templates/**/*")
        if path.suffix in {".html", ".txt"}
        for line in path.read_text(encoding="utf-8").splitlines()
        if STATE_COMPARISON.search(line)
    ] + [
        f"{path.relative_to(ROOT)}: {line.strip()[:100]}"
        for path in (ROOT / "templates").rglob("*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if STATE_COMPARISON.search(line)
    ]
    assert offending == []
