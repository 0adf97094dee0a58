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


@dataclass(frozen=True)
class DashboardPanel:
    template_name: str
    get_context: Callable  # (request, organization) -> dict
    order: int = 50


@dataclass(frozen=True)
class JoinAlternative:
    """Another way in, offered on the join page (e.g. a community team files with the street instead)."""

    url_name: str
    label: str
    text: str


nav_items: list[NavItem] = []
dashboard_panels: list[DashboardPanel] = []
join_alternatives: list[JoinAlternative] = []


def register_join_alternative(url_name, label, text):
    if all(item.url_name != url_name for item in join_alternatives):
        join_alternatives.append(JoinAlternative(url_name, label, text))


def register_nav(url_name, label, order=50):
    if all(item.url_name != url_name for item in nav_items):
        nav_items.append(NavItem(url_name, label, order))
        nav_items.sort(key=lambda item: item.order)


def register_panel(template_name, get_context, order=50):
    if all(panel.template_name != template_name for panel in dashboard_panels):
        dashboard_panels.append(DashboardPanel(template_name, get_context, order))
        dashboard_panels.sort(key=lambda panel: panel.order)
