"""Presentation helpers shared by every app's templates. No queries here."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.qr import link_qr_svg, qr_svg
from core.validators import mask_mobile

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def elided_pages(page_obj):
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)


@register.filter
def masked(mobile):
    """138****5678"""
    return mask_mobile(mobile)


@register.simple_tag
def qr_code(data, *, label, css_class="qr"):
    """{% qr_code text label=… %}: a QR code of `text` as inline SVG."""
    return qr_svg(data, label=label, css_class=css_class)


@register.simple_tag
def qr_link(path, *, label, css_class="qr"):
    """{% qr_link event.get_absolute_url label=… %}: a QR code of the site's page at `path`."""
    return link_qr_svg(path, label=label, css_class=css_class)


@register.filter
def star_label(rating):
    if not rating:
        return _("Not rated")
    return "★" * rating + "☆" * (5 - rating)


# Where a phone browser without srcset support lands: a version at most this wide serves as `src`.
FALLBACK_WIDTH = 640


@register.simple_tag
def picture(image, *, alt, sizes="100vw", loading="lazy", width=None, height=None, **attributes):
    """<img> of a stored picture (a PictureField's file) with its smaller versions in srcset, or nothing.

    `{% picture project.cover alt="" sizes="(min-width: 992px) 33vw, 100vw" class="card-img-top" %}`.
    width/height default to the picture's own (so the browser reserves its place); give them to state the
    displayed size instead. No storage access: the versions' names follow from the picture's name and size.
    """
    if not image:
        return ""
    sources = image.sources() if hasattr(image, "sources") else []
    stored = image.stored_size if sources else None
    smaller = [(url, w) for url, w in sources[:-1] if w <= FALLBACK_WIDTH]
    attrs = {"src": smaller[-1][0] if smaller else image.url}
    if len(sources) > 1:
        attrs["srcset"] = ", ".join(f"{url} {w}w" for url, w in sources)
        attrs["sizes"] = sizes
    if width is None and stored:
        width, height = stored
    attrs |= {"width": width, "height": height, "alt": alt, **attributes, "loading": loading, "decoding": "async"}
    return format_html(
        "<img {}>", format_html_join(" ", '{}="{}"', ((k, v) for k, v in attrs.items() if v is not None))
    )


@register.filter
def active_filter_count(form):
    """How many of a filter form's fields the visitor has set (for “筛选（2）”); the page number is no filter."""
    data = form.data
    values_of = data.getlist if hasattr(data, "getlist") else lambda key: [data[key]]
    count = 0
    for name in form.fields:
        key = form.add_prefix(name)
        keys = [other for other in data if other == key or other.startswith(f"{key}_")]  # and a MultiWidget's parts
        count += any(value not in (None, "") for other in keys for value in values_of(other))
    return count


@register.simple_tag(takes_context=True)
def staff_links(context):
    """The staff pages other apps registered (core.portal.register_staff_link) that the user may open."""
    from core.permissions import has_staff_permission
    from core.portal import staff_links as links

    user = context["request"].user
    return [link for link in links if has_staff_permission(user, link.permission)]
