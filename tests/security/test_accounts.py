"""Accounts: login lockout, password rules, password reset, session handling."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from tests.members.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def attempt(client, url, username, password):
    return client.post(url, {"username": username, "password": password, "next": ""})


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_five_failures_lock_the_account_and_the_right_password_is_refused(client, lockout, staff_user, login_url):
    url = reverse(login_url)
    for _ in range(4):
        response = attempt(client, url, staff_user.username, "wrong-password")
        assert response.status_code == 200  # the form again, with an error
    response = attempt(client, url, staff_user.username, "wrong-password")
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    response = attempt(client, url, staff_user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username=staff_user.username).failures_since_start == 6


def test_lockout_is_logged(client, lockout, org_user, caplog):
    for _ in range(5):
        attempt(client, reverse("login"), org_user.username, "nope-nope")
    assert any("locking out" in record.getMessage().lower() for record in caplog.records)


def test_a_success_before_the_limit_resets_the_count(client, lockout, org_user):
    url = reverse("login")
    for _ in range(4):
        attempt(client, url, org_user.username, "wrong-password")
    assert attempt(client, url, org_user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, url, org_user.username, "wrong-password")
    assert attempt(client, url, org_user.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short-pw-1", False), ("password1234", False), ("123456789012345", False), ("Changshou-road-2026", True)],
)
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_password_reset_by_email(client, org_user, delivered):
    with delivered():
        response = client.post(reverse("password_reset"), {"email": org_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line).strip()
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    new_password = "A-new-Changshou-pass-2026"
    response = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    org_user.refresh_from_db()
    assert org_user.check_password(new_password)


def test_password_reset_does_not_reveal_unknown_addresses(client, delivered):
    with delivered():
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_costs_a_known_and_an_unknown_address_the_same(client, org_user, monkeypatch, delivered):
    """The answer's time must not tell which addresses have an account: neither request talks to the mail server;
    the known address's mail waits in the outbox for a worker (handed over after the commit)."""
    from core import tasks

    handed = []
    monkeypatch.setattr(tasks.deliver, "delay", lambda ids: handed.append(ids))

    def no_mail_server(*args, **kwargs):
        raise AssertionError("the request opened a mail connection")

    monkeypatch.setattr("django.core.mail.get_connection", no_mail_server)
    monkeypatch.setattr("core.outbox.get_connection", no_mail_server)
    answers = []
    for address in (org_user.email, "nobody@example.org"):
        with delivered():
            response = client.post(reverse("password_reset"), {"email": address})
        answers.append((response.status_code, response.url))
    assert answers[0] == answers[1] == (302, reverse("password_reset_done"))
    assert mail.outbox == []
    queued = OutboxMessage.objects.get(kind="password_reset")
    assert queued.recipient == org_user.email and queued.status == OutboxMessage.Status.QUEUED
    assert handed == [[queued.pk]]


def test_session_key_rotates_on_login_and_logout_ends_the_session(client, org_user):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": org_user.username, "password": PASSWORD})
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=after).exists()
    assert client.get(reverse("members:portal")).status_code == 302


def test_staff_sessions_expire_after_inactivity(client, staff_user, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 1800
    client.force_login(staff_user)
    assert client.get(reverse("admin:index")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    # Idle for 31 minutes: the session is gone.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_staff_sessions_slide_forward_at_most_once_a_minute(client, staff_user, settings, monkeypatch):
    from federation_portal import middleware

    settings.STAFF_SESSION_IDLE_SECONDS = 1800
    client.force_login(staff_user)
    client.get(reverse("stats:dashboard"))
    session = Session.objects.get(session_key=client.session.session_key)
    client.get(reverse("stats:dashboard"))  # within the minute: the session row is not written again
    assert Session.objects.get(pk=session.pk).expire_date == session.expire_date
    later = middleware.time.time() + 61
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    client.get(reverse("stats:dashboard"))  # a minute on: the window moves
    assert Session.objects.get(pk=session.pk).expire_date > session.expire_date


def test_organization_sessions_are_not_cut_short(client, org_user):
    client.force_login(org_user)
    client.get(reverse("members:portal"))
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date - timezone.now() > timedelta(days=13)


# The real visitor behind nginx (TRUSTED_PROXY_COUNT = 1): nginx connects from 127.0.0.1 and appends the address it
# was reached from to X-Forwarded-For; whatever the visitor wrote there is further left.
def through_nginx(client, url, username, password, visitor, spoofed=""):
    forwarded = f"{spoofed}, {visitor}" if spoofed else visitor
    return client.post(
        url, {"username": username, "password": password, "next": ""},
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.fixture
def behind_nginx(settings, lockout):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client, behind_nginx, staff_user, login_url):
    url = reverse(login_url)
    for _ in range(5):
        through_nginx(client, url, staff_user.username, "wrong-password", "203.0.113.66")
    assert through_nginx(client, url, staff_user.username, PASSWORD, "203.0.113.66").status_code == 429
    assert through_nginx(client, url, staff_user.username, PASSWORD, "198.51.100.7").status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.66").exists()
    assert not AccessAttempt.objects.filter(ip_address="127.0.0.1").exists()


def test_a_forged_forwarded_header_does_not_escape_the_lock(client, behind_nginx, staff_user):
    url = reverse("login")
    for number in range(5):
        through_nginx(client, url, staff_user.username, "wrong-password", "203.0.113.66", spoofed=f"10.9.9.{number}")
    response = through_nginx(client, url, staff_user.username, PASSWORD, "203.0.113.66", spoofed="10.9.9.99")
    assert response.status_code == 429


def test_one_address_guessing_many_accounts_is_locked_for_all(client, behind_nginx, settings, staff_user):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    url = reverse("login")
    for number in range(12):  # 3 failures each for 4 names: no pair reaches 5
        through_nginx(client, url, f"guess{number % 4}", "wrong-password", "203.0.113.66")
    assert through_nginx(client, url, staff_user.username, PASSWORD, "203.0.113.66").status_code == 429
    assert through_nginx(client, url, staff_user.username, PASSWORD, "198.51.100.7").status_code == 302


def test_a_good_login_does_not_clear_the_addresses_count(client, behind_nginx, settings, org_user):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    url = reverse("login")
    for number in range(6):
        through_nginx(client, url, f"guess{number % 3}", "wrong-password", "203.0.113.66")
    assert through_nginx(client, url, org_user.username, PASSWORD, "203.0.113.66").status_code == 302
    client.logout()
    for number in range(2):
        through_nginx(client, url, f"guess{number}", "wrong-password", "203.0.113.66")
    assert through_nginx(client, url, org_user.username, PASSWORD, "203.0.113.66").status_code == 429


def test_staff_are_told_once_when_their_account_is_locked(client, behind_nginx, staff_user, org_user):
    from core.models import OutboxMessage

    url = reverse("login")
    for _ in range(8):
        through_nginx(client, url, staff_user.username, "wrong-password", "203.0.113.66")
        through_nginx(client, url, org_user.username, "wrong-password", "203.0.113.66")
    notices = OutboxMessage.objects.filter(kind="login_locked")
    assert sorted(notices.values_list("channel", flat=True)) == ["email", "inbox"]
    assert {message.user_id or message.recipient for message in notices} == {staff_user.pk, staff_user.email}
    assert "203.0.113.66" in notices.first().body
