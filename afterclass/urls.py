"""The site's URLs: pages, the API under /api/v1/, sign-in under /accounts/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from afterclass.api.api import api
from afterclass.core import bare_view
from afterclass.core import views as core_views
from afterclass.retention import urls as retention_urls
from afterclass.scim import urls as scim_urls
from afterclass.sso import views as sso_views
from afterclass.worker import views as worker_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("afterclass.webapp.urls")),
    path("readyz", worker_views.readyz, name="readyz"),
    path("manage/system/", include("afterclass.worker.urls")),
    path("media/<path:name>", core_views.media, name="media"),
    # allauth's own list of sessions shows full addresses: ours shows networks (people.sessions).
    path("accounts/sessions/", RedirectView.as_view(pattern_name="my-sessions")),
    # The sign-in page lets its "Sign in with …" forms go on to the providers (sso.views).
    path("accounts/login/", sso_views.sign_in, name="account_login"),
    path("", include("afterclass.sso.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("scim/v2/", include(scim_urls.scim_urlpatterns)),
    path("manage/provisioning/", include(scim_urls.manage_urlpatterns)),
    path("manage/audit/", include("afterclass.auditlog.urls")),
    path("manage/retention/", include(retention_urls.manage_urlpatterns)),
    path("spaces/<slug:slug>/retention/", include(retention_urls.space_urlpatterns)),
    path("", include("afterclass.exports.urls")),
    path("", include("afterclass.erasure.urls")),
    path("backoffice/", admin.site.urls),
    path("", include("afterclass.people.urls")),
    path("welcome/", include("afterclass.spaces.onboarding_urls")),
    path("spaces/", include("afterclass.spaces.urls")),
    path("", include("afterclass.posts.urls")),
    path("", include("afterclass.polls.urls")),
    path("", include("afterclass.learning.urls")),
    path("", include("afterclass.insights.urls")),
    path("", include("afterclass.moderation.urls")),
    path("", include("afterclass.attachments.urls")),
    path("surveys/", include("afterclass.surveys.urls")),
    path("search/", include("afterclass.search.urls")),
    path("notifications/", include("afterclass.notifications.urls")),
    path("live/", include("afterclass.posts.live_urls")),
]

if settings.AFTERCLASS_BENCH:
    # Bench only: the same bytes as a page, with no work behind them (bench/pages.py).
    urlpatterns.append(
        re_path(r"^bench/bare/(?P<key>[a-z0-9-]+)\.(?P<kind>html|json)$", bare_view.bare)
    )

handler400 = "afterclass.core.views.bad_request"
handler403 = "afterclass.core.views.forbidden"
handler404 = "afterclass.core.views.not_found"
handler500 = "afterclass.people.views.errors.server_error"
