"""axe-core on every page of PAGES in both languages: no serious or critical violations.

Moderate and minor findings are printed (run with -s, or read them under "Captured stdout" on failure).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import LANGUAGES

BLOCKING = {"serious", "critical"}


def describe(violation):
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    more = " …" if len(violation["nodes"]) > 3 else ""
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} — {'; '.join(targets)}{more}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_accessibility_violations_on_any_page(tour, language):
    axe = Axe()
    blocking = []
    for page, tab in tour(language):
        for violation in axe.run(tab).response["violations"]:
            line = f"{page.name} ({language}) {describe(violation)}"
            if violation["impact"] in BLOCKING:
                blocking.append(line)
            else:
                print(line)
    assert not blocking, f"{len(blocking)} serious/critical accessibility violations:\n" + "\n".join(blocking)
