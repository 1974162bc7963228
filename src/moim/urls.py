"""URL configuration: every page lives under /en/ or /ko/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from moim.api.main import api
from moim.members import two_factor_views
from moim.members.staff_views import my_account

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("mailings/", include("moim.mailings.hook_urls")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/me/", my_account, name="account"),
    path("accounts/two-factor/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery",
    ),
    path("accounts/two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("members/", include("moim.members.urls")),
    path("assemblies/", include("moim.assemblies.urls")),
    path("awards/", include("moim.awards.urls")),
    path("governance/", include("moim.governance.urls")),
    path("motions/", include("moim.motions.urls")),
    path("floor/", include("moim.floor.urls")),
    path("mailings/", include("moim.mailings.urls")),
    path("minutes/", include("moim.minutes.urls")),
    path("", include("moim.site.urls")),
    path("", include("moim.projection.urls")),
    prefix_default_language=True,
)

# A database with no room for one more request answers 503 "send it again" (moim/busy.py).
handler500 = "moim.busy.server_error"
