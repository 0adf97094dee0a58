from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from stats import views as stats_views

from . import views

admin.site.site_header = admin.site.site_title = _("Changshou Social Organization Federation · Admin")
admin.site.index_title = _("Street office staff")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/baseline/", views.BaselineView.as_view(), name="bench-baseline"),
    path("accounts/welcome/", views.after_login, name="after-login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("language/<str:language>/", views.switch_language, name="switch-language"),
    path("display/<str:mode>/", views.switch_display, name="switch-display"),
    path("admin/", admin.site.urls),
    # Same path and view as members:organization-detail, plus the sections of the other apps.
    path("organizations/<str:slug>/", views.OrganizationDetailView.as_view(), name="organization-page"),
    # Same path and view as members:about, with the number of members of stats.figures.
    path("about/", views.AboutView.as_view(), name="about-page"),
    path("", include("members.urls")),
    path("", include("communities.urls")),
    path("", include("projects.urls")),
    path("", include("events.urls")),
    path("", include("evaluation.urls")),
    path("", include("contracts.urls")),
    path("", include("incubation.urls")),
    path("stats/", stats_views.StatsView.as_view(), name="stats"),
    path("", include("stats.urls")),
    path("", include("reports.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
