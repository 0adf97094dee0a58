"""Pictures sized for where they are shown: smaller versions made on upload, `{% picture %}`, make_picture_sizes."""

import io
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.pictures import size_name
from events.models import Event, ReportPhoto
from members.models import Organization
from projects.models import Project
from tests.events.factories import EventFactory
from tests.projects.factories import ProjectFactory, PublicProjectFactory

pytestmark = pytest.mark.django_db


def picture_bytes(size, *, fmt="JPEG", mode="RGB", color=(30, 120, 200)):
    buffer = io.BytesIO()
    fill = (*color, 0) if mode == "RGBA" else color
    image = Image.new(mode, size, fill)
    if mode == "RGBA":
        image.paste((*color, 255), (0, 0, size[0] // 2, size[1]))  # half transparent, half opaque
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def upload(size, name="picture.jpg", **kwargs):
    fmt = kwargs.get("fmt", "JPEG")
    return SimpleUploadedFile(name, picture_bytes(size, **kwargs), content_type=f"image/{fmt.lower()}")


def stored(name):
    with default_storage.open(name) as file, Image.open(file) as image:
        image.load()
        return image.format, image.mode, image.size


def render(source, **context):
    return Template("{% load core_tags %}" + source).render(Context(context))


def img_attributes(html):
    assert html.startswith("<img ") and html.endswith(">"), html
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', html))


@contextmanager
def no_storage_reads():
    """Fail on any look into the storage: pages must name the versions without asking whether they exist."""

    def refuse(*args, **kwargs):
        raise AssertionError("the storage was asked while rendering")

    with pytest.MonkeyPatch.context() as patch:
        for method in ("exists", "open", "size", "listdir"):
            patch.setattr(FileSystemStorage, method, refuse)
        yield


# Versions made on upload, through the real forms ------------------------------------------------------------


def test_a_logo_uploaded_through_the_profile_form_gets_small_jpeg_versions(client, org_user, org):
    client.force_login(org_user)
    data = {"name": org.name, "org_type": org.org_type, "credit_code": org.credit_code, "summary": "s",
            "logo": upload((3000, 1500), "logo.jpg")}
    assert client.post(reverse("members:manage-profile"), data).status_code == 302
    org.refresh_from_db()
    assert (org.logo_width, org.logo_height) == (2400, 1200)  # re-encoded within 2400 px first
    assert stored(org.logo.name) == ("JPEG", "RGB", (2400, 1200))
    assert stored(size_name(org.logo.name, 128)) == ("JPEG", "RGB", (128, 64))
    assert stored(size_name(org.logo.name, 256)) == ("JPEG", "RGB", (256, 128))
    assert size_name(org.logo.name, 256) == org.logo.name.removesuffix(".jpg") + "-256w.jpg"


def test_a_transparent_cover_keeps_png_versions_and_a_smaller_one_only_the_narrower_widths(client, org, org_user):
    project = ProjectFactory(organization=org)
    client.force_login(org_user)
    data = {"title": project.title, "summary": "s", "service_field": "elderly", "funding_source": "mixed",
            "cover": upload((900, 600), "cover.png", fmt="PNG", mode="RGBA")}
    assert client.post(reverse("projects:manage-edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    name = project.cover.name
    assert name.endswith(".png") and (project.cover_width, project.cover_height) == (900, 600)
    assert stored(size_name(name, 320)) == ("PNG", "RGBA", (320, 213))
    assert stored(size_name(name, 640)) == ("PNG", "RGBA", (640, 427))
    with default_storage.open(size_name(name, 320)) as file, Image.open(file) as image:
        assert image.getpixel((0, 0))[3] == 255 and image.getpixel((319, 0))[3] == 0  # transparency kept
    assert not default_storage.exists(size_name(name, 1280))  # never wider than the picture


def test_event_covers_and_report_photos_get_versions(client, org, org_user):
    client.force_login(org_user)
    starts = timezone.localtime() + timedelta(days=10)
    data = {"kind": "community_activity", "title": "Haircuts", "description": "", "place": "Room", "community": "",
            "capacity": "20", "registration_opens_at": "", "registration_closes_at": "",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "cover": upload((1600, 900))}
    assert client.post(reverse("events:manage-create"), data).status_code == 302
    event = Event.objects.get()
    assert [stored(size_name(event.cover.name, w))[2] for w in (320, 640, 1280)] == [(320, 180), (640, 360),
                                                                                       (1280, 720)]
    past = EventFactory(organization=org, starts_at=timezone.now() - timedelta(hours=3))
    report = {"attendance": "0", "volunteers": "4", "beneficiaries_served": "20", "summary": "Good day.",
              "photos": [upload((700, 700)), upload((300, 200))]}
    assert client.post(reverse("events:manage-report", args=[past.pk]), report).status_code == 302
    big, small = ReportPhoto.objects.filter(report__event=past).order_by("image_width")[::-1]
    assert (big.image_width, small.image_width) == (700, 300)
    assert stored(size_name(big.image.name, 640))[2] == (640, 640)
    assert not default_storage.exists(size_name(big.image.name, 1280))
    assert not any(default_storage.exists(size_name(small.image.name, w)) for w in (320, 640, 1280))


def test_hostile_uploads_are_still_refused_and_store_nothing(client, org_user, org):
    client.force_login(org_user)
    svg = SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
                             content_type="image/svg+xml")
    data = {"name": org.name, "org_type": org.org_type, "credit_code": org.credit_code, "summary": "s",
            "logo": svg}
    response = client.post(reverse("members:manage-profile"), data)
    assert response.status_code == 200 and "not an image" in response.content.decode()
    org.refresh_from_db()
    assert not org.logo and org.logo_width is None
    assert not default_storage.exists("logos") or default_storage.listdir("logos") == ([], [])


def test_the_admin_re_encodes_pictures_too(client, staff_user, org):
    client.force_login(staff_user)
    form = client.get(reverse("admin:members_organization_change", args=[org.pk])).context["adminform"].form
    assert type(form.fields["logo"]).__name__ == "SafeImageField"


def test_replacing_and_deleting_a_picture(client, org_user, org):
    org.logo.save("a.jpg", ContentFile(picture_bytes((800, 400))))
    first = org.logo.name
    org.logo.save("b.png", ContentFile(picture_bytes((300, 300), fmt="PNG")))
    org.refresh_from_db()
    assert org.logo.name != first and (org.logo_width, org.logo_height) == (300, 300)
    # The old picture and its versions stay in the storage (Django keeps replaced files); pages name the new ones.
    assert default_storage.exists(size_name(first, 256))
    assert default_storage.exists(size_name(org.logo.name, 128))
    html = render("{% picture logo alt='' %}", logo=org.logo)
    assert first.removesuffix(".jpg") not in html and size_name(org.logo.name, 128) in html
    name = org.logo.name
    org.logo.delete()
    org.refresh_from_db()
    assert not org.logo and org.logo_width is None and org.logo_height is None
    assert not default_storage.exists(name) and not default_storage.exists(size_name(name, 128))


# The {% picture %} tag -----------------------------------------------------------------------------------------


def test_the_tag_lists_the_versions_without_asking_the_storage():
    project = PublicProjectFactory(cover=ContentFile(picture_bytes((2000, 1000)), name="c.jpg"))
    with no_storage_reads():
        project = Project.objects.get(pk=project.pk)  # as a page loads it
        html = render('{% picture p.cover alt=title sizes="(min-width: 768px) 33vw, 100vw" class="card-img-top" %}',
                      p=project, title='"A" & B')
    attrs = img_attributes(html)
    url = project.cover.url
    small = [default_storage.url(size_name(project.cover.name, w)) for w in (320, 640, 1280)]
    assert attrs["srcset"] == f"{small[0]} 320w, {small[1]} 640w, {small[2]} 1280w, {url} 2000w"
    assert attrs["sizes"] == "(min-width: 768px) 33vw, 100vw"
    assert attrs["src"] == small[1]  # a phone-sized fallback for browsers without srcset
    assert (attrs["width"], attrs["height"]) == ("2000", "1000")
    assert attrs["alt"] == "&quot;A&quot; &amp; B" and attrs["class"] == "card-img-top"
    assert (attrs["loading"], attrs["decoding"]) == ("lazy", "async")


def test_a_picture_narrower_than_every_version_is_shown_as_it_is():
    project = PublicProjectFactory(cover=ContentFile(picture_bytes((200, 150)), name="c.jpg"))
    attrs = img_attributes(render("{% picture p.cover alt='' loading='eager' %}", p=project))
    assert attrs["src"] == project.cover.url
    assert "srcset" not in attrs and "sizes" not in attrs
    assert (attrs["width"], attrs["height"], attrs["alt"], attrs["loading"]) == ("200", "150", "", "eager")


def test_the_displayed_size_can_be_given_and_an_empty_picture_renders_nothing():
    org = Organization.objects.create(name="Tiny", org_type="community_team")
    assert render("{% picture org.logo alt='' %}", org=org) == ""
    org.logo.save("l.jpg", ContentFile(picture_bytes((500, 500))))
    attrs = img_attributes(render("{% picture org.logo alt='' sizes='64px' width=64 height=64 %}", org=org))
    assert (attrs["width"], attrs["height"], attrs["sizes"]) == ("64", "64", "64px")
    assert attrs["src"] == default_storage.url(size_name(org.logo.name, 256))
    assert attrs["srcset"].endswith(f"{org.logo.url} 500w")


def test_public_pages_serve_the_versions(client, no_page_cache):
    project = PublicProjectFactory(cover=ContentFile(picture_bytes((1500, 900)), name="c.jpg"))
    for url in (reverse("projects:list"), project.get_absolute_url()):
        with no_storage_reads():
            content = client.get(url).content.decode()
        assert f'{default_storage.url(size_name(project.cover.name, 320))} 320w' in content, url


# make_picture_sizes ---------------------------------------------------------------------------------------------


def old_picture(project, size):
    """A cover stored before versions existed: the file alone, no recorded size."""
    name = default_storage.save("projects/covers/old.jpg", ContentFile(picture_bytes(size)))
    Project.objects.filter(pk=project.pk).update(cover=name, cover_width=None, cover_height=None)
    return Project.objects.get(pk=project.pk)


def test_pictures_stored_before_are_shown_whole_until_the_command_makes_their_versions():
    project = old_picture(PublicProjectFactory(), (1000, 500))
    attrs = img_attributes(render("{% picture p.cover alt='' %}", p=project))
    assert attrs["src"] == project.cover.url and "srcset" not in attrs and "width" not in attrs

    out = io.StringIO()
    call_command("make_picture_sizes", stdout=out)
    assert "versions: 1;" in out.getvalue()
    project.refresh_from_db()
    assert (project.cover_width, project.cover_height) == (1000, 500)
    assert [stored(size_name(project.cover.name, w))[2] for w in (320, 640)] == [(320, 160), (640, 320)]
    assert "640w" in render("{% picture p.cover alt='' %}", p=project)

    call_command("make_picture_sizes", stdout=(again := io.StringIO()))  # idempotent: nothing left to do
    assert "versions: 0;" in again.getvalue()
    default_storage.delete(size_name(project.cover.name, 320))
    call_command("make_picture_sizes", stdout=io.StringIO())
    assert not default_storage.exists(size_name(project.cover.name, 320))  # rows with sizes are left alone...
    call_command("make_picture_sizes", "--all", stdout=io.StringIO())
    assert stored(size_name(project.cover.name, 320))[2] == (320, 160)  # ...unless asked to check them all


def test_the_command_reports_missing_pictures_and_goes_on():
    PublicProjectFactory(cover="projects/covers/gone.jpg")
    good = old_picture(PublicProjectFactory(), (700, 300))
    out, err = io.StringIO(), io.StringIO()
    call_command("make_picture_sizes", stdout=out, stderr=err)
    assert "gone.jpg" in err.getvalue() and "versions: 1; unreadable or missing: 1." in out.getvalue()
    good.refresh_from_db()
    assert good.cover_width == 700
