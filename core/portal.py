"""Extension points of the portal: other apps add navigation entries and dashboard panels here.

`members` sits at the bottom of the dependency chain, so it cannot import `projects` or `events`;
they register themselves from their AppConfig.ready() instead.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    order: int = 50
    admins_only: bool = False  # pages an editor would get 403 on are not offered to editors


@dataclass(frozen=True)
class DashboardPanel:
    template_name: str
    get_context: Callable  # (request, organization) -> dict
    order: int = 50


@dataclass(frozen=True)
class StaffLink:
    url_name: str
    label: str
    permission: str  # "app_label.codename": shown to staff holding it
    order: int = 50


@dataclass(frozen=True)
class JoinAlternative:
    """Another way in, offered on the join page (e.g. a community team files with the street instead)."""

    url_name: str
    label: str
    text: str


nav_items: list[NavItem] = []
dashboard_panels: list[DashboardPanel] = []
# Staff pages of apps above `stats` (reports), linked from the staff dashboard and statistics without importing them.
staff_links: list[StaffLink] = []


join_alternatives: list[JoinAlternative] = []


def register_join_alternative(url_name, label, text):
    if all(item.url_name != url_name for item in join_alternatives):
        join_alternatives.append(JoinAlternative(url_name, label, text))


def register_nav(url_name, label, order=50, *, admins_only=False):
    if all(item.url_name != url_name for item in nav_items):
        nav_items.append(NavItem(url_name, label, order, admins_only))
        nav_items.sort(key=lambda item: item.order)


def register_panel(template_name, get_context, order=50):
    if all(panel.template_name != template_name for panel in dashboard_panels):
        dashboard_panels.append(DashboardPanel(template_name, get_context, order))
        dashboard_panels.sort(key=lambda panel: panel.order)


def register_staff_link(url_name, label, permission, order=50):
    if all(link.url_name != url_name for link in staff_links):
        staff_links.append(StaffLink(url_name, label, permission, order))
        staff_links.sort(key=lambda link: link.order)


# What apps above `projects` add to a project's pages (the public page and the organization's own): each a callable
# (project, audience) -> a dict with "template_name" (and the template's context), or None for nothing to show.
# `audience` is "public", "staff" (street-office staff on the public page) or "organization" (its portal page). One
# query at most each: the pages' query counts are pinned.
project_sections: list[Callable] = []


def register_project_section(get_section):
    if get_section not in project_sections:
        project_sections.append(get_section)


def sections_for_project(project, audience):
    """The sections other apps show on a project's page, in registration order."""
    return [section for section in (get_section(project, audience) for get_section in project_sections) if section]
