"""The tour: every page of PAGES, in both languages and both display modes (standard and 长辈版), on phones.

On each page, at 375 px and again at 320 px (the narrowest phones still in use), with every <details> (menus,
filters, data tables) closed and then open:

- nothing scrolls sideways, neither the page nor a part of it;
- every visible control (links that stand on their own, buttons, fields, toggles, pagination) is a target of at
  least 44 × 44 px, 60 × 60 px in the 长辈版; a link inside a sentence is exempt, as WCAG 2.5.5 has it;
- no text is smaller than 12 px, 18 px in the 长辈版;

and at 375 px axe-core finds no serious or critical violation; in the 长辈版, whose markup is the standard version's,
axe's rules of the style, with the AAA contrast rule (7:1 for text) instead of the AA one; the contrast rules on the
Chinese pages (the colours are the same in English). Moderate and minor findings are printed (run with -s, or read
"Captured stdout" on failure).

One pass per language and mode does it all (each page is opened once), so the tour stays within a few minutes.
"""

from pathlib import Path

import axe_playwright_python
import pytest

from .conftest import LANGUAGES, MODES, PHONE, SMALL_PHONE
from .pages import ADMIN_PAGES

BLOCKING = {"serious", "critical"}
MIN_TARGET = {"standard": 44, "elder": 60}
MIN_TEXT = {"standard": 12, "elder": 18}
# The 长辈版 changes the style, not the markup: its pages are the standard ones with the charts' drawings left out and
# their data tables open (display.py). axe's rules of the markup run once, in the standard version; in the 长辈版 the
# rules that depend on the style run, with the AAA contrast rule (7:1, large text 4.5:1) in place of the AA one.
ELDER_RULES = [
    "color-contrast-enhanced", "link-in-text-block", "target-size", "scrollable-region-focusable",
    "avoid-inline-spacing", "css-orientation-lock", "meta-viewport",
]
AXE_OPTIONS = {
    "standard": {"resultTypes": ["violations"]},
    "elder": {
        "resultTypes": ["violations"],
        "runOnly": {"type": "rule", "values": ELDER_RULES},
        "rules": {"color-contrast-enhanced": {"enabled": True}},
    },
}
CONTRAST_RULES = {"standard": "color-contrast", "elder": "color-contrast-enhanced"}


def axe_options(mode, language):
    """The colours are the same in both languages (site.css): the contrast rules, most of axe's time, run on the
    Chinese pages, the site's first language; the other rules on both."""
    options = AXE_OPTIONS[mode]
    if language == "zh-hans":
        return options
    rules = {**options.get("rules", {}), CONTRAST_RULES[mode]: {"enabled": False}}
    if "runOnly" in options:
        values = [rule for rule in options["runOnly"]["values"] if rule != CONTRAST_RULES[mode]]
        return {**options, "runOnly": {"type": "rule", "values": values}, "rules": rules}
    return {**options, "rules": rules}


AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")

# Shared by the checks below: what is shown, and what a control is.
HELPERS_JS = """
const shown = el => {
  const box = el.getBoundingClientRect();
  // visually hidden text (1 px, clipped) is for screen readers; the rest must be seen
  return box.width > 1 && box.height > 1 && el.checkVisibility({checkVisibilityCSS: true, checkOpacity: true});
};
const words = el => el.innerText || el.value || el.getAttribute('aria-label') || el.textContent || '';
const describe = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} «${
  words(el).trim().replace(/\\s+/g, ' ').slice(0, 30)}»`;
const CONTROLS = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
"""

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

# Controls smaller than `min` in either direction. A check box or radio button counts by its label (the label is
# what one taps). A link is exempt when it sits in a sentence: its block holds words besides the links.
SMALL_TARGETS_JS = HELPERS_JS + """(min) => {
  const block = el => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      if (!getComputedStyle(node).display.startsWith('inline')) return node;
    }
    return document.body;
  };
  // the words on the link's lines: its block's text, without other controls and without nested blocks
  const wordsAround = node => [...node.childNodes].map(child => {
    if (child.nodeType === Node.TEXT_NODE) return child.textContent;
    if (child.nodeType !== Node.ELEMENT_NODE || child.matches(CONTROLS + ', label, .visually-hidden')) return '';
    const display = getComputedStyle(child).display;
    return display.startsWith('inline') || display === 'contents' ? wordsAround(child) : '';
  }).join('');
  const inSentence = link => /[\\p{L}\\p{N}]/u.test(wordsAround(block(link)));
  const target = el => {
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      return (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.closest('label') || el;
    }
    return el;
  };
  return [...document.querySelectorAll(CONTROLS)]
    .filter(el => !el.closest('.skip-link'))  // shown only while it has the focus, then at the top of the page
    .map(el => [el, target(el)])
    .filter(([el, tap]) => shown(tap))
    .filter(([el]) => !(el.matches('a') && inSentence(el)))
    .map(([el, tap]) => [el, tap.getBoundingClientRect()])
    .filter(([el, box]) => box.width < min - 0.5 || box.height < min - 0.5)
    .map(([el, box]) => `${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
}"""

# Text smaller than `min` px as it shows on the screen (an SVG chart's text is scaled with its drawing).
SMALL_TEXT_JS = HELPERS_JS + """(min) => {
  const small = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !shown(el) || el.closest('title, desc, style, script')) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el.closest('svg')) {
      const matrix = el.getScreenCTM();
      size *= Math.hypot(matrix.a, matrix.b);
    }
    if (size < min - 0.05) small.set(el, size);
  }
  return [...small].slice(0, 5).map(([el, size]) => `${describe(el)} ${size.toFixed(1)}px`);
}"""

OPEN_DETAILS_JS = "() => document.querySelectorAll('details:not([open])').forEach(d => d.open = true)"


def run_axe(tab, options):
    """axe-core's violations on the tab's page. axe is sent to a tab once, as a script of every page it opens next,
    rather than with every run (570 KB: a tenth of a page's time in the tour)."""
    if not tab.evaluate("typeof axe !== 'undefined'"):
        tab.add_init_script(path=AXE_JS)
        tab.evaluate(AXE_JS.read_text())  # the page already open (evaluated, as a <script> would break the CSP)
    return tab.evaluate("options => axe.run(document, options)", options)["violations"]


def describe(violation):
    targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
    more = " …" if len(violation["nodes"]) > 3 else ""
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} — {'; '.join(targets)}{more}"


def layout_problems(tab, mode, width):
    problems = [*tab.evaluate(SIDEWAYS_JS, width)]
    problems += [f"target under {MIN_TARGET[mode]}px: {t}" for t in tab.evaluate(SMALL_TARGETS_JS, MIN_TARGET[mode])]
    problems += [f"text under {MIN_TEXT[mode]}px: {t}" for t in tab.evaluate(SMALL_TEXT_JS, MIN_TEXT[mode])]
    return [f"{problem} (at {width}px)" for problem in problems]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_on_phones_in_both_modes(tour, language, mode):
    problems = []
    for page, tab in tour(language, viewport=PHONE, mode=mode):
        found = layout_problems(tab, mode, PHONE["width"])  # as it opens: menus and filters closed
        tab.evaluate(OPEN_DETAILS_JS)
        found += layout_problems(tab, mode, PHONE["width"])
        for violation in run_axe(tab, axe_options(mode, language)):
            if violation["impact"] in BLOCKING:
                found.append(describe(violation))
            else:
                print(f"{page.name} ({language}, {mode}) {describe(violation)}")
        tab.set_viewport_size(SMALL_PHONE)
        found += layout_problems(tab, mode, SMALL_PHONE["width"])
        tab.set_viewport_size(PHONE)
        problems += [f"{page.name} ({language}, {mode}): {problem}" for problem in dict.fromkeys(found)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_pages_staff_use(tour, language):
    """axe on the admin pages, on a phone; the index (with the staff pages' table) fits 375 and 320 px."""
    problems = []
    for page, tab in tour(language, viewport=PHONE, pages=ADMIN_PAGES):
        found = [describe(v) for v in run_axe(tab, axe_options("standard", language)) if v["impact"] in BLOCKING]
        if page.url == "admin:index":
            found += tab.evaluate(SIDEWAYS_JS, PHONE["width"])
            tab.set_viewport_size(SMALL_PHONE)
            found += tab.evaluate(SIDEWAYS_JS, SMALL_PHONE["width"])
            tab.set_viewport_size(PHONE)
        problems += [f"{page.name} ({language}): {problem}" for problem in found]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_checks_spot_a_wide_page_a_wide_table_small_targets_and_small_text(browser):
    tab = browser.new_page(viewport=PHONE)
    tab.set_content(
        '<main><button style="height:30px">OK</button><a href="#" style="display:inline-block;height:50px;'
        'width:50px">Go</a><p>Read <a href="#">the rules</a> first.</p><ul><li><a href="#">Alone</a></li></ul>'
        '<input type="checkbox" id="c"><label for="c" style="display:inline-block;height:50px;width:80px">Box</label>'
        '<p style="font-size:11px">Fine print</p><div style="width:500px">wide</div>'
        '<div class="table-responsive" style="overflow-x:auto"><table style="width:400px"><tr><td>a</td></tr>'
        "</table></div></main>"
    )
    try:
        page_wide, table_wide = tab.evaluate(SIDEWAYS_JS, PHONE["width"])
        assert page_wide.startswith("page is 508px wide at 375px: div")  # the 500 px div and the body's margin
        assert table_wide.startswith("div.table-responsive scrolls sideways: 400px in")
        small = tab.evaluate(SMALL_TARGETS_JS, 44)
        # the button and the lone link in the list; not the link in a sentence, nor the box with its large label
        assert [target.split(" ", 1)[0] for target in small] == ["button", "a"], small
        assert "«Alone»" in small[1]
        elder = tab.evaluate(SMALL_TARGETS_JS, 60)
        assert [target.split(" ", 1)[0] for target in elder] == ["button", "a", "a", "input#c"]
        assert tab.evaluate(SMALL_TEXT_JS, 12) == ["p «Fine print» 11.0px"]
        assert len(tab.evaluate(SMALL_TEXT_JS, 18)) == 5  # every text of the page, 16 px or less (five shown)
        # grey on white, 4.6:1: enough for AA, not for the 长辈版's AAA
        tab.set_content('<html lang="en"><title>t</title><main><h1>T</h1><p style="color:#757575">Grey</p></main>')
        assert "color-contrast" not in {violation["id"] for violation in run_axe(tab, AXE_OPTIONS["standard"])}
        assert {violation["id"] for violation in run_axe(tab, AXE_OPTIONS["elder"])} == {"color-contrast-enhanced"}
        assert run_axe(tab, axe_options("elder", "en")) == []  # the contrast is checked on the Chinese pages
        tab.set_content('<html lang="en"><title>t</title><main><h1>T</h1><p style="color:#999">Pale</p></main>')
        assert {violation["id"] for violation in run_axe(tab, axe_options("standard", "zh-hans"))} == {"color-contrast"}
        assert run_axe(tab, axe_options("standard", "en")) == []
    finally:
        tab.close()
