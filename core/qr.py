"""QR codes drawn on the server as inline SVG (segno): they show without JavaScript, print sharply and cost no
request of their own. Links in them are absolute (core.sites), so a phone's camera opens them."""

import segno
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.sites import site_url


def qr_svg(data, *, label, css_class="qr"):
    """An <svg> of `data` as a QR code (error correction M: still read when a printed poster is a little worn),
    named `label` for screen readers. Dark modules on white, whatever the page's colours."""
    svg = segno.make(data, error="m", micro=False).svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff", svgclass=css_class, lineclass=None
    )
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def link_qr_svg(path, *, label, css_class="qr"):
    """A QR code of the site's page at `path` (e.g. reverse(...))."""
    return qr_svg(f"{site_url()}{path}", label=label, css_class=css_class)
