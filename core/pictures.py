"""Image uploads: verified by Pillow, size-limited, re-encoded without metadata, stored under generated names,
with smaller versions for pages.

Every app's picture fields are `PictureField`s with `upload_to=upload_path("...")`; their forms use
`SafeImageField` (also the model field's default form field, so the admin re-encodes too). The rules live here:

- A stored picture gets smaller versions next to it, made by Pillow, one per width of `PictureField.widths`
  that is narrower than the picture: `logos/<random>.jpg` → `logos/<random>-128w.jpg`, ... (PNG stays PNG for
  its transparency, everything else is JPEG). Their names follow from the picture's name and recorded width, so
  pages list them (`{% picture %}` in core_tags) without asking the storage anything.
- The picture's width and height are recorded on the row (`width_field`/`height_field`) when it is stored and
  never read back from the storage when a row is loaded. A row without them (a picture stored before versions
  existed) is shown at full size until `manage.py make_picture_sizes` has made its versions.
- Replacing a picture stores new versions under the new name; the old picture and its versions stay in the
  storage, as Django leaves replaced files. `FieldFile.delete()` removes the versions with the picture.
"""

import io
import posixpath
import uuid

from django import forms
from django.conf import settings
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# Checked from the header, before decoding: a 13 KB PNG of 40 megapixels would cost a worker seconds to decode.
MAX_PIXELS = 25_000_000
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
        _("The image is too large: at most %(megapixels)d megapixels, e.g. 6000 × 4000."),
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


SIZE_QUALITY = 80  # JPEG quality of the smaller versions


def size_name(name, width):
    """The stored name of a picture's version `width` px wide: 'events/ab12.jpg' → 'events/ab12-640w.jpg'."""
    folder, base = posixpath.split(name)
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    suffix = "png" if extension.lower() == "png" else "jpg"
    return posixpath.join(folder, f"{stem}-{width}w.{suffix}")


def widths_below(width, widths):
    """The versions a picture `width` px wide has: those strictly narrower (a picture is never enlarged)."""
    return [w for w in sorted(widths) if width and w < width]


def make_sizes(storage, name, data, widths):
    """Store the smaller versions of the picture stored as `name` (whose bytes are `data`); return its size.

    Idempotent: a version already stored under its name is replaced.
    """
    with Image.open(io.BytesIO(data)) as original:
        original.load()
        image = ImageOps.exif_transpose(original)
    as_png = size_name(name, 0).endswith(".png")
    if as_png:
        image = image.convert("RGBA")
    elif image.mode != "RGB":
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    width, height = image.size
    for target_width in widths_below(width, widths):
        target_height = max(1, round(height * target_width / width))
        small = image.resize((target_width, target_height), Image.Resampling.LANCZOS)
        output = io.BytesIO()
        if as_png:
            small.save(output, format="PNG", optimize=True)
        else:
            small.save(output, format="JPEG", quality=SIZE_QUALITY, optimize=True, progressive=True)
        target = size_name(name, target_width)
        storage.delete(target)  # deterministic names: the storage must not pick another one
        stored = storage.save(target, ContentFile(output.getvalue()))
        if stored != target:
            raise RuntimeError(f"the storage saved {target} as {stored}")
    return width, height


class PictureFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store the picture and its smaller versions, and record its size (from the bytes in hand)."""
        content.seek(0)
        data = content.read()
        content.seek(0)
        name = self.field.generate_filename(self.instance, name)
        self.name = self.storage.save(name, content, max_length=self.field.max_length)
        width, height = make_sizes(self.storage, self.name, data, self.field.widths)
        # The name without the descriptor, which would read the picture again (ImageFieldFile does the same).
        self.instance.__dict__[self.field.attname] = self.name
        setattr(self.instance, self.field.width_field, width)
        setattr(self.instance, self.field.height_field, height)
        self._committed = True
        if save:
            self.instance.save()

    save.alters_data = True

    def delete(self, save=True):
        if self:
            for width in self.field.widths:
                self.storage.delete(size_name(self.name, width))
        super().delete(save)

    delete.alters_data = True

    @property
    def stored_size(self):
        """(width, height) as recorded on the row, or None for a picture stored before sizes were recorded."""
        width = getattr(self.instance, self.field.width_field)
        height = getattr(self.instance, self.field.height_field)
        return (width, height) if width and height else None

    def sources(self):
        """[(url, width)] of the smaller versions and the picture itself, narrowest first; [] if the size is unknown."""
        size = self.stored_size
        if size is None:
            return []
        return [(self.storage.url(size_name(self.name, w)), w) for w in widths_below(size[0], self.field.widths)] + [
            (self.url, size[0])
        ]


class PictureField(models.ImageField):
    """An ImageField that stores smaller versions of its picture and records its size (see the module docstring).

    `width_field` and `height_field` are required: they name the row's nullable integer fields (declared after
    this one) that hold the picture's size.
    """

    attr_class = PictureFieldFile
    default_widths = (320, 640, 1280)

    def __init__(self, *args, widths=None, **kwargs):
        self.widths = tuple(widths or self.default_widths)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not (self.width_field and self.height_field):
            errors.append(checks.Error("PictureField needs width_field and height_field.", obj=self, id="members.E001"))
        return errors

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.widths != self.default_widths:
            kwargs["widths"] = self.widths
        return name, path, args, kwargs

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        """Dimensions from a new upload still in memory, cleared with the picture; never read from the storage.

        Django would open the stored picture (a download from object storage, an error if it is missing) for
        every loaded row without dimensions and whenever a form puts the same picture back.
        """
        if not force or self.attname not in instance.__dict__:
            return
        file = getattr(instance, self.attname)
        if not file or not file._committed:
            super().update_dimension_fields(instance, force=True)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageField, **kwargs})
