"""Presentation helpers shared by every app's templates. No queries here."""

from django import template
from django.utils.translation import gettext as _

from members.validators import mask_mobile

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


@register.filter
def star_label(rating):
    if not rating:
        return _("Not rated")
    return "★" * rating + "☆" * (5 - rating)
