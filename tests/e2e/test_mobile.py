"""Phones first: at 375 px no page scrolls sideways, and the main actions are at least 44 px tap targets."""

import pytest

from .conftest import LANGUAGES, PHONE

# What people tap: the menu, the language switch, buttons, pagination.
MAIN_ACTIONS = ", ".join(
    [
        ".site-nav .nav-link",
        ".lang-switch .btn",
        "main .btn",
        "main button",
        "main input[type=submit]",
        ".pagination .page-link",
        ".portal-nav .nav-link",
    ]
)
MIN_TAP = 44

# (width, height, label) of visible main actions smaller than MIN_TAP in either direction.
SMALL_TARGETS_JS = """([selector, min]) => [...document.querySelectorAll(selector)]
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden')
  .filter(([el, box]) => box.width < min - 0.5 || box.height < min - 0.5)
  .map(([el, box]) => `${el.tagName.toLowerCase()} «${(el.innerText || el.value || '').trim().slice(0, 30)}» `
                      + `${Math.round(box.width)}×${Math.round(box.height)}`)"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_layout_has_no_sideways_scrolling_and_large_tap_targets(tour, language):
    problems = []
    for page, tab in tour(language, viewport=PHONE):
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            wide = tab.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                  .filter(el => el.getBoundingClientRect().right > limit + 0.5)
                  .slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'))""",
                PHONE["width"],
            )
            problems.append(f"{page.name} ({language}): page is {width}px wide at {PHONE['width']}px: {wide}")
        for target in tab.evaluate(SMALL_TARGETS_JS, [MAIN_ACTIONS, MIN_TAP]):
            problems.append(f"{page.name} ({language}): tap target smaller than {MIN_TAP}px: {target}")
    assert not problems, "\n".join(problems)


def test_the_layout_checks_spot_a_wide_page_and_a_small_button(browser):
    tab = browser.new_page(viewport=PHONE)
    tab.set_content(
        '<main><button style="height:30px">OK</button><a class="btn" style="display:inline-block;height:50px;'
        'width:50px">Go</a><div style="width:500px">wide</div></main>'
    )
    try:
        assert tab.evaluate("document.scrollingElement.scrollWidth") > PHONE["width"]
        small = tab.evaluate(SMALL_TARGETS_JS, [MAIN_ACTIONS, MIN_TAP])
        assert len(small) == 1 and small[0].startswith("button «OK»")
    finally:
        tab.close()
