"""Journeys as people make them, asserting what they see. Later issues add theirs here
(proposal → review → approval; event sign-up → cancel; …)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from PIL import Image

from members.models import Membership, Organization

from .conftest import DESKTOP, LANGUAGES, PHONE, say

OTHER_LANGUAGE = {"zh-hans": "en", "en": "zh-hans"}
SWITCH_BUTTON = {"zh-hans": "中文", "en": "English"}


def label(choice, language):
    with translation.override(language):
        return str(choice.label)


def count_in(text):
    return int(re.search(r"\d+", text.replace(",", "")).group())


@pytest.mark.parametrize("language", LANGUAGES)
def test_resident_on_a_phone_browses_filters_opens_an_organization_and_switches_language(open_page, language):
    # In Chinese with JavaScript off, as some in-app phone browsers are: public pages work without it.
    tab = open_page("/", language=language, viewport=PHONE, java_script_enabled=language != "zh-hans")
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    # From the home page's menu to the directory: on a phone the menu is one button.
    directory = tab.locator(".site-nav").get_by_role("link", name=say(language, "Organizations"))
    assert not directory.is_visible()
    menu = tab.locator(".site-nav summary")
    assert menu.inner_text() == say(language, "Menu", context="the site's main menu")
    menu.click()
    with tab.expect_navigation(url="**" + reverse("members:organization-list")):
        directory.click()
    assert tab.locator("h1").inner_text() == say(language, "Organization directory")
    everything = count_in(tab.get_by_role("status").inner_text())
    assert everything == Organization.objects.public().count()

    # Filter: elderly care, members only. The results come first; the filters are behind one button.
    filters = tab.locator("main summary")
    assert filters.inner_text() == say(language, "Filters (%(active)s)") % {"active": 0}
    assert not tab.get_by_label(say(language, "Service field")).is_visible()
    filters.click()
    elderly = say(language, "Elderly care")
    tab.get_by_label(say(language, "Service field")).select_option(label=elderly)
    tab.get_by_label(say(language, "Members only")).check()
    with tab.expect_navigation(url="**service_field=*"):
        tab.get_by_role("button", name=say(language, "Filter", context="apply the filters")).click()
    expected = Organization.objects.public().members().filter(service_fields__code="elderly").distinct()
    found = count_in(tab.get_by_role("status").inner_text())
    assert 0 < found == expected.count() < everything
    cards = tab.locator("main article.card")
    assert cards.count() == min(found, 20)
    for index in range(cards.count()):
        card_text = cards.nth(index).inner_text()
        assert elderly in card_text and say(language, "Member") in card_text
    assert tab.get_by_label(say(language, "Members only")).is_checked()  # the form remembers the filters
    assert filters.inner_text() == say(language, "Filters (%(active)s)") % {"active": 2}  # and counts them

    # Open the first organization.
    first = cards.first.get_by_role("link")
    name = first.inner_text()
    with tab.expect_navigation(url="**/organizations/*/"):
        first.click()
    assert tab.locator("h1").inner_text() == name
    assert elderly in tab.locator("main").inner_text()

    # Switch language: same page, the other language.
    other = OTHER_LANGUAGE[language]
    path = tab.evaluate("location.pathname")
    with tab.expect_navigation():
        tab.locator(".lang-switch").get_by_role("link", name=SWITCH_BUTTON[other]).click()
    assert tab.evaluate("location.pathname") == path
    assert tab.locator("html").get_attribute("lang") == {"zh-hans": "zh-Hans", "en": "en"}[other]
    assert tab.locator("h1").inner_text() == name
    assert tab.get_by_role("heading", name=say(other, "Details")).is_visible()
    assert say(other, "Elderly care") in tab.locator("main").inner_text()
    assert (
        tab.locator(".lang-switch").get_by_role("link", name=SWITCH_BUTTON[other]).get_attribute("aria-current")
        == "true"
    )
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_organization_signs_up_staff_approve_it_and_it_edits_its_profile_with_a_logo(open_page, tmp_path):
    zh = "zh-hans"
    name, email, password = "长寿邻里书屋服务社", "books@neighbours.example", "Reading-Room-2026"

    # 1. The organization signs up and applies.
    tab = open_page(reverse("members:join"), language=zh, viewport=DESKTOP)
    form = tab.locator("main form")
    form.get_by_label(say(zh, "Your name")).fill("赵书香")
    form.locator("#id_account-email").fill(email)
    form.locator("#id_account-password1").fill(password)
    form.locator("#id_account-password2").fill(password)
    form.locator("#id_org-name").fill(name)
    form.locator("#id_org-org_type").select_option("community_team")  # filed community teams have no credit code
    form.get_by_label(say(zh, "Culture and arts")).check()
    form.get_by_label("长寿居委会").check()
    form.get_by_label(say(zh, "short description")).fill("在社区开设邻里书屋,组织亲子阅读。")
    form.get_by_label(say(zh, "Why do you want to join?")).fill("希望参加项目对接会。")
    with tab.expect_navigation(url="**" + reverse("members:portal")):
        form.get_by_role("button", name=say(zh, "Register and apply")).click()
    main = tab.locator("main")
    assert name in tab.locator(".messages").inner_text()
    assert label(Membership.Status.APPLIED, zh) in main.inner_text()
    with tab.expect_navigation(url="**/"):
        tab.locator(".site-nav").get_by_role("button", name=say(zh, "Log out")).click()

    # 2. Street-office staff log into the admin and approve the application.
    admin = open_page(reverse("admin:index"), language=zh, viewport=DESKTOP)
    admin.locator("#id_username").fill("staff")
    admin.locator("#id_password").fill("Changshou-2026")
    with admin.expect_navigation(url="**" + reverse("admin:index")):
        admin.locator("#login-form [type=submit]").click()
    admin.goto(reverse("admin:members_membership_changelist") + "?status__exact=applied")
    row = admin.locator("#result_list tbody tr", has_text=name)
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("approve")
    with admin.expect_navigation():
        admin.locator("button[name=index], input[name=index]").first.click()
    assert admin.locator(".messagelist .success").is_visible()
    membership = Membership.objects.get(organization__name=name)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.decided_by.username == "staff"

    # 3. The organization logs in, sees it is a member, and edits its profile.
    tab.goto(reverse("login"))
    tab.locator("#id_username").fill(email)
    tab.locator("#id_password").fill(password)
    with tab.expect_navigation(url="**" + reverse("members:portal")):
        tab.locator("main form").get_by_role("button", name=say(zh, "Log in")).click()
    assert label(Membership.Status.ACTIVE, zh) in tab.locator("main").inner_text()
    with tab.expect_navigation(url="**" + reverse("members:manage-profile")):
        tab.get_by_role("link", name=say(zh, "Edit profile")).click()

    # A file that is not an image: a clear error at the logo field, nothing saved.
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("this is a text file, not a picture")
    logo = tab.locator("#id_logo")
    logo.set_input_files(not_an_image)
    tab.get_by_label(say(zh, "short description")).fill("新的简介:每周六亲子阅读。")
    with tab.expect_navigation():
        tab.locator("main form").get_by_role("button", name=say(zh, "Save")).click()
    not_readable = say(zh, "This file is not an image we can read. Please upload a JPEG, PNG, GIF or WebP picture.")
    assert say(zh, "Nothing was saved. Please correct the errors below.") in tab.locator(".messages").inner_text()
    assert logo.get_attribute("aria-invalid") == "true"
    error_ids = logo.get_attribute("aria-describedby").split()
    assert any(not_readable in tab.locator(f"[id='{ident}']").inner_text() for ident in error_ids)
    assert tab.get_by_text(not_readable).is_visible()
    organization = Organization.objects.get(name=name)
    assert not organization.logo and organization.summary == "在社区开设邻里书屋,组织亲子阅读。"

    # A real picture: saved, shown, and stored re-encoded.
    picture = tmp_path / "books.png"
    Image.new("RGB", (300, 200), (179, 38, 30)).save(picture)
    tab.locator("#id_logo").set_input_files(picture)
    with tab.expect_navigation():
        tab.locator("main form").get_by_role("button", name=say(zh, "Save")).click()
    assert say(zh, "Your organization's profile has been saved.") in tab.locator(".messages").inner_text()
    organization.refresh_from_db()
    assert organization.logo and organization.summary == "新的简介:每周六亲子阅读。"
    shown = tab.get_by_role("img", name=say(zh, "Current logo"))
    # the page shows the stored logo or one of the smaller versions made of it (core.pictures.PictureField)
    assert shown.get_attribute("src") in {organization.logo.url} | {url for url, _w in organization.logo.sources()}
    assert organization.logo.url.startswith(settings.MEDIA_URL)
    with Image.open(organization.logo.path) as stored:
        assert stored.size == (300, 200)

    # Residents see the new description on the public page.
    tab.goto(organization.get_absolute_url())
    assert tab.locator("h1").inner_text() == name
    assert "新的简介:每周六亲子阅读。" in tab.locator("main").inner_text()


def test_at_the_door_the_organizer_checks_in_by_code_a_resident_checks_in_alone_and_the_sheet_prints(open_page):
    """The event under way (world.BUSY): on a phone without JavaScript the organizer finds a resident by the code of
    her private page and checks her in with one tap; another resident scans the venue QR code and checks in with
    her mobile; the sign-in sheet prints 25 rows an A4 page. (Both check-ins are taken back at the end.)"""
    from events import services
    from events.models import Event, Registration

    from .world import BUSY

    event = Event.objects.get(title=BUSY)
    at_door = Registration.objects.get(event=event, name="杨敏")
    alone = Registration.objects.get(event=event, name="黄静")
    try:
        tab = open_page(reverse("events:manage-check-in", args=[event.pk]), user="org@changshou.demo",
                        viewport=PHONE, java_script_enabled=False)
        tab.get_by_label("签到码、手机号后4位或姓名").fill(at_door.check_in_code)
        tab.get_by_role("button", name="查找").click()
        found = tab.locator("main li.list-group-item")
        assert found.count() == 1 and "杨敏" in found.inner_text()
        found.get_by_role("button", name="签到").click()
        assert "杨敏已签到。" in tab.locator("main").inner_text()
        assert Registration.objects.get(pk=at_door.pk).has_attended
        assert tab.url.endswith(f"?q={at_door.check_in_code}")

        resident = open_page(reverse("events:self-check-in", args=[event.pk, event.venue_token]), viewport=PHONE)
        resident.get_by_label("手机号码").fill(alone.mobile)
        resident.get_by_role("button", name="签到").click()
        assert "黄静" in resident.get_by_role("status").inner_text()
        assert Registration.objects.get(pk=alone.pk).checked_in_via == "self"

        sheet = open_page(reverse("events:manage-sign-in-sheet", args=[event.pk]), user="org@changshou.demo",
                          viewport=DESKTOP)
        people = event.registrations.holding_place().count()
        rows = people + 10 + (-(people + 10) % 25)
        pdf = sheet.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == rows // 25
    finally:
        for registration in (at_door, alone):
            registration.refresh_from_db()
            if registration.has_attended:
                services.undo_check_in(registration, acting_user=None)
