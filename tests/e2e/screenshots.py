"""`make screenshots`: PNGs of the main pages (PAGES with screenshot=True) to docs/screenshots/.

Desktop and phone, Chinese and English, on the demo data; and the phone in the 长辈版 (elder mode), in Chinese, with
the sign-up form (`*-phone-elder-zh-hans.png`). Not part of the test run: pytest collects this file only when it is
named on the command line.
"""

from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from .conftest import DESKTOP, LANGUAGES, PHONE
from .pages import PAGES, Page, tour_event
from .world import UPCOMING

OUT = Path(settings.BASE_DIR) / "docs" / "screenshots"
DEVICES = {"desktop": DESKTOP, "phone": PHONE}


def save_small(path):
    """256 colours are plenty for a UI screenshot and make the PNG a fraction of the size."""
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots(tour, language, device):
    OUT.mkdir(parents=True, exist_ok=True)
    pages = [page for page in PAGES if page.screenshot]
    for page, tab in tour(language, viewport=DEVICES[device], pages=pages):
        tab.evaluate("document.fonts.ready")
        path = OUT / f"{page.slug}-{device}-{language}.png"
        tab.screenshot(path=path)
        save_small(path)
        print(path.relative_to(settings.BASE_DIR))


ELDER_PAGES = [page for page in PAGES if page.screenshot and page.is_public] + [
    Page("event sign-up", "events:sign-up", kwargs=tour_event(UPCOMING)),
    Page("my sign-ups", "events:my-sign-ups"),
]


def test_elder_screenshots(tour):
    OUT.mkdir(parents=True, exist_ok=True)
    for page, tab in tour("zh-hans", viewport=PHONE, pages=ELDER_PAGES, mode="elder"):
        tab.evaluate("document.fonts.ready")
        path = OUT / f"{page.slug}-phone-elder-zh-hans.png"
        tab.screenshot(path=path)
        save_small(path)
        print(path.relative_to(settings.BASE_DIR))
