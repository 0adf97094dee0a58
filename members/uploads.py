"""Image uploads: verified by Pillow, size-limited, re-encoded without metadata, stored under generated names.

Every app's image fields use `SafeImageField` in their forms and `upload_to=upload_path("...")`
on their models, so the rules live in one place.
"""

import io
import uuid

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # a 20000×20000 "bomb" is refused long before it is decoded
MAX_SIDE = 2400  # larger photos are scaled down when re-encoded
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


@deconstructible
class upload_path:  # noqa: N801 - used like a function in model fields
    """upload_to callable: '<folder>/<random>.<ext>'; the user's file name is never used."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
        return f"{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, upload_path) and other.folder == self.folder


def reencode_image(uploaded, *, max_bytes=None):
    """Check an uploaded file is a real image within limits; return a freshly encoded copy.

    Raises forms.ValidationError with a message for the user otherwise.
    """
    max_bytes = max_bytes or settings.UPLOAD_IMAGE_MAX_BYTES
    if uploaded.size > max_bytes:
        raise forms.ValidationError(
            _("The file is %(size)s; images may be at most %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_bytes)},
        )
    not_an_image = forms.ValidationError(
        _("This file is not an image we can read. Please upload a JPEG, PNG, GIF or WebP picture."),
        code="invalid_image",
    )
    too_many_pixels = forms.ValidationError(
        _("The image is too large: at most %(megapixels)d megapixels, e.g. 6000 × 6000."),
        code="image_too_many_pixels",
        params={"megapixels": MAX_PIXELS // 1_000_000},
    )
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise too_many_pixels
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "P") and (
                image.mode != "P" or "transparency" in image.info
            )
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            output = io.BytesIO()
            if has_alpha:
                image.save(output, format="PNG", optimize=True)
                extension, content_type = "png", "image/png"
            else:
                image.save(output, format="JPEG", quality=85, optimize=True)
                extension, content_type = "jpg", "image/jpeg"
    except forms.ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise too_many_pixels from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise not_an_image from exc
    return SimpleUploadedFile(f"{uuid.uuid4().hex}.{extension}", output.getvalue(), content_type)


class SafeImageField(forms.FileField):
    """A form field for images that re-encodes what it accepts (see `reencode_image`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("JPEG, PNG, GIF or WebP, at most 2 MB."))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/gif,image/webp")

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        return reencode_image(uploaded)
