"""Phones first: at 375 px and 320 px no page, nor part of one, scrolls sideways, and the main actions are at least
44 px tap targets."""

import pytest

from .conftest import LANGUAGES, PHONE, SMALL_PHONE

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


# What makes people scroll sideways: the page itself, or a part of it that scrolls on its own (a wide table in
# .table-responsive keeps the page narrow, but its right-hand columns are out of sight on a phone).
SIDEWAYS_JS = """(limit) => {
  const name = el => el.tagName.toLowerCase() + [...el.classList].map(c => '.' + c).join('');
  const all = [...document.querySelectorAll('body *')];
  const width = document.scrollingElement.scrollWidth;
  const wide = all.filter(el => el.getBoundingClientRect().right > limit + 0.5).slice(0, 3).map(name);
  return [
    ...(width > limit ? [`page is ${width}px wide at ${limit}px: ${wide.join(', ')}`] : []),
    ...all.filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
      .filter(el => el.scrollWidth > el.clientWidth + 1)
      .map(el => `${name(el)} scrolls sideways: ${el.scrollWidth}px in ${el.clientWidth}px`),
  ];
}"""


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=lambda viewport: f"{viewport['width']}px")
@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_layout_has_no_sideways_scrolling_and_large_tap_targets(tour, language, viewport):
    problems = []
    for page, tab in tour(language, viewport=viewport):
        for sideways in tab.evaluate(SIDEWAYS_JS, viewport["width"]):
            problems.append(f"{page.name} ({language}): {sideways}")
        for target in tab.evaluate(SMALL_TARGETS_JS, [MAIN_ACTIONS, MIN_TAP]):
            problems.append(f"{page.name} ({language}): tap target smaller than {MIN_TAP}px: {target}")
    assert not problems, "\n".join(problems)


def test_the_layout_checks_spot_a_wide_page_a_wide_table_and_a_small_button(browser):
    tab = browser.new_page(viewport=PHONE)
    tab.set_content(
        '<main><button style="height:30px">OK</button><a class="btn" style="display:inline-block;height:50px;'
        'width:50px">Go</a><div style="width:500px">wide</div>'
        '<div class="table-responsive" style="overflow-x:auto"><table style="width:400px"><tr><td>a</td></tr>'
        "</table></div></main>"
    )
    try:
        page_wide, table_wide = tab.evaluate(SIDEWAYS_JS, PHONE["width"])
        assert page_wide.startswith("page is 508px wide at 375px: div")  # the 500 px div and the body's margin
        assert table_wide.startswith("div.table-responsive scrolls sideways: 400px in")
        small = tab.evaluate(SMALL_TARGETS_JS, [MAIN_ACTIONS, MIN_TAP])
        assert len(small) == 1 and small[0].startswith("button «OK»")
    finally:
        tab.close()
