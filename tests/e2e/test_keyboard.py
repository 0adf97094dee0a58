"""Keyboard-only use of sign-up and login: skip link, visible focus, labelled fields, errors tied to fields."""

import pytest
from django.urls import reverse

from core.validators import credit_code_check_character
from members.models import Membership, Organization

from .conftest import DESKTOP, LANGUAGES, say
from .pages import DEMO_ORGANIZATION, ORG_ADMIN

DEMO_PASSWORD = "Changshou-2026"

FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim().slice(0, 30),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
             && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


def is_focused(locator):
    return locator.evaluate("el => el === document.activeElement")


def tab_to(tab, locator, max_presses=120):
    """Press Tab until `locator` has the focus: proves it is reachable in the tab order."""
    for _ in range(max_presses):
        if is_focused(locator):
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"{locator} is not reachable with the Tab key")


def type_into(tab, locator, text):
    tab_to(tab, locator)
    tab.keyboard.press("Control+A")
    tab.keyboard.type(text)


def assert_error_tied_to_field(field, message_part):
    """The field says it is invalid and points (aria-describedby) at a visible error containing the message."""
    assert field.get_attribute("aria-invalid") == "true"
    described_by = (field.get_attribute("aria-describedby") or "").split()
    texts = [field.page.locator(f"[id='{ident}']").inner_text() for ident in described_by]
    assert any(message_part in text for text in texts), f"{message_part!r} not in the field's description {texts}"


def test_skip_link_comes_first_and_moves_focus_to_the_content(open_page):
    tab = open_page(reverse("members:join"), language="zh-hans")
    tab.keyboard.press("Tab")
    skip = tab.locator("a.skip-link")
    assert is_focused(skip)
    focus = tab.evaluate(FOCUS_STYLE_JS)
    assert focus["visible"] and focus["outline"], f"the focused skip link must be visible: {focus}"
    assert skip.inner_text() == say("zh-hans", "Skip to main content")
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("path", ["members:join", "login"])
def test_every_focused_element_shows_a_focus_indicator(open_page, path):
    # Reduced motion: Bootstrap scrolls smoothly otherwise, and the focused field would still be on its way.
    tab = open_page(reverse(path), language="en", viewport=DESKTOP, reduced_motion="reduce")
    seen = []
    for _ in range(30):
        tab.keyboard.press("Tab")
        focus = tab.evaluate(FOCUS_STYLE_JS)
        if focus["tag"] == "body":
            break
        seen.append(focus)
        assert focus["visible"], f"focused element is off screen: {focus}"
        assert focus["outline"] or focus["shadow"], f"no visible focus indicator on {focus}"
    assert len(seen) >= 8  # the header, the menu and the form fields were all reached


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_with_the_keyboard_and_errors_tied_to_the_fields(open_page, language):
    tab = open_page(reverse("login"), language=language)
    username, password = tab.locator("#id_username"), tab.locator("#id_password")
    assert username.get_attribute("id") == tab.get_by_label(say(language, "username", capital=True)).get_attribute("id")
    assert password.get_attribute("id") == tab.get_by_label(say(language, "Password")).get_attribute("id")
    required = say(language, "This field is required.")

    # Empty form: each field is marked invalid and names its error.
    assert is_focused(username)  # the login form starts in the user name field
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert_error_tied_to_field(username, required)
    assert_error_tied_to_field(password, required)

    # Wrong password: the error is announced as an alert.
    type_into(tab, username, ORG_ADMIN)
    type_into(tab, password, "not-the-password")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    wrong = say(
        language, "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
    )
    assert wrong.split("%(username)s")[0] in tab.get_by_role("alert").inner_text()

    # Right password, keyboard only: the organization's portal opens.
    type_into(tab, username, ORG_ADMIN)
    type_into(tab, password, DEMO_PASSWORD)
    with tab.expect_navigation(url="**/portal/"):
        tab.keyboard.press("Enter")
    assert DEMO_ORGANIZATION in tab.locator("main").inner_text()


def test_sign_up_with_the_keyboard_only(open_page):
    zh = "zh-hans"
    tab = open_page(reverse("members:join"), language=zh, viewport=DESKTOP)
    form = tab.locator("main form")
    name = form.get_by_label(say(zh, "Your name"))
    email = form.locator("#id_account-email")
    password1 = form.locator("#id_account-password1")  # "Password" is also part of "Password again"
    password2 = form.get_by_label(say(zh, "Password again"))
    org_name = form.locator("#id_org-name")
    submit = form.get_by_role("button", name=say(zh, "Register and apply"))

    # A first try with mistakes: the errors appear at, and are tied to, the fields they belong to.
    type_into(tab, name, "钱晓红")
    type_into(tab, email, "not-an-email")
    type_into(tab, password1, "Changshou-2026-new")
    type_into(tab, password2, "Changshou-2026-typo")
    tab_to(tab, submit)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert say(zh, "Please correct the errors below.") in tab.locator(".messages").inner_text()
    assert_error_tied_to_field(email, say(zh, "Enter a valid email address."))
    assert_error_tied_to_field(password2, say(zh, "The two passwords do not match."))
    assert_error_tied_to_field(org_name, say(zh, "This field is required."))
    assert name.input_value() == "钱晓红"  # what was right is kept

    # Corrected, still without a mouse: arrow keys choose the type, Space ticks a check box.
    type_into(tab, email, "qian@silver-class.example")
    type_into(tab, password1, "Changshou-2026-new")
    type_into(tab, password2, "Changshou-2026-new")
    type_into(tab, org_name, "长寿银发智慧课堂服务社")
    tab_to(tab, form.locator("#id_org-org_type"))
    tab.keyboard.press("ArrowDown")  # social group → social service agency
    body = "52310107MA1G2K3L4"
    type_into(tab, form.get_by_label(say(zh, "unified social credit code")), body + credit_code_check_character(body))
    elderly = form.get_by_label(say(zh, "Elderly care"))
    tab_to(tab, elderly)
    tab.keyboard.press("Space")
    assert elderly.is_checked()
    type_into(tab, form.get_by_label(say(zh, "short description")), "教社区老人使用智能手机。")
    tab_to(tab, submit)
    with tab.expect_navigation(url="**/portal/"):
        tab.keyboard.press("Enter")

    assert "长寿银发智慧课堂服务社" in tab.locator(".messages").inner_text()
    organization = Organization.objects.get(name="长寿银发智慧课堂服务社")
    assert organization.org_type == Organization.Type.SERVICE_AGENCY
    assert list(organization.service_fields.values_list("code", flat=True)) == ["elderly"]
    assert organization.membership.status == Membership.Status.APPLIED
