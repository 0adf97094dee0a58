"""Hostile uploads: each is refused with a clear message or safely re-encoded."""

import io
import struct
import zlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.pictures import reencode_image


def png(size=(32, 32), color=(10, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb_png(width=20000, height=20000):
    """A tiny file that claims 400 megapixels: header + a compressed all-zero scanline stream."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    raw = zlib.compress(b"\x00" * ((width // 8 + 1) * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def jpeg_with_gps():
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 26.0, 0.0)}  # GPSInfo: Shanghai
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "code"),
    [
        ("logo.svg", SVG, "image/svg+xml", "invalid_image"),
        ("page.png", HTML, "image/png", "invalid_image"),
        ("truncated.png", png()[:50], "image/png", "invalid_image"),
        ("bomb.png", bomb_png(), "image/png", "image_too_many_pixels"),
        ("huge.png", b"\x89PNG" + b"\x00" * (2 * 1024 * 1024 + 1), "image/png", "file_too_large"),
        ("empty.png", b"", "image/png", "invalid_image"),
    ],
)
def test_hostile_files_are_refused_with_a_reason(name, content, content_type, code):
    with pytest.raises(forms.ValidationError) as excinfo:
        reencode_image(upload(name, content, content_type))
    assert excinfo.value.code == code


def test_png_html_polyglot_is_re_encoded_without_the_trailing_html():
    polyglot = png() + HTML
    cleaned = reencode_image(upload("poly.png", polyglot))
    data = cleaned.read()
    assert b"<script>" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (32, 32)


def test_spoofed_content_type_does_not_matter():
    cleaned = reencode_image(upload("photo.gif", png(), content_type="text/html"))
    assert cleaned.content_type == "image/jpeg"
    assert cleaned.name.endswith(".jpg")


def test_exif_location_is_stripped():
    cleaned = reencode_image(upload("phone.jpg", jpeg_with_gps(), content_type="image/jpeg"))
    with Image.open(io.BytesIO(cleaned.read())) as image:
        exif = image.getexif()
        assert 0x8825 not in exif and 0x010F not in exif


def test_stored_names_are_generated():
    first = reencode_image(upload("../../etc/passwd.png", png()))
    second = reencode_image(upload("../../etc/passwd.png", png()))
    assert "passwd" not in first.name and "/" not in first.name
    assert first.name != second.name


@pytest.mark.django_db
def test_refused_upload_through_a_form_changes_nothing_and_says_why(client, org_user, org):
    client.force_login(org_user)
    response = client.post(
        reverse("members:manage-profile"),
        {
            "name": org.name,
            "org_type": org.org_type,
            "credit_code": org.credit_code,
            "summary": "changed",
            "logo": upload("bomb.png", bomb_png()),
        },
    )
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    org.refresh_from_db()
    assert org.summary != "changed" and not org.logo


def test_a_picture_above_25_megapixels_is_refused_before_it_is_decoded(monkeypatch):
    """The 13 KB PNG of 39.7 megapixels from the attack: refused from its header, without decoding a pixel."""
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    with pytest.raises(forms.ValidationError) as excinfo:
        reencode_image(upload("wide.png", bomb_png(width=6300, height=6300)))
    assert excinfo.value.code == "image_too_many_pixels"
    assert decoded == []
    reencode_image(upload("ok.png", png(size=(50, 40))))  # a normal picture still passes
