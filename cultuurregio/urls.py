from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from beleidsplan import download_urls, progress_urls, site_urls
from beleidsplan import urls as version_urls
from beleidsplan.views_home import home

from . import views as site_views

# Every page of a plan under one namespace, ``plan:`` (plan:plan, plan:doelstelling,
# plan:actie, plan:versie, plan:versie_pdf, plan:voortgang, ...), whichever app renders it.
plan_pages = [
    *site_urls.urlpatterns,
    *version_urls.urlpatterns,
    *download_urls.urlpatterns,
    *progress_urls.urlpatterns,
]

urlpatterns = [
    # Public site
    path("", home, name="home"),
    path("", include((plan_pages, "plan"))),
    path("partner/", include("acties.partner_urls")),
    path("", include("beleidsplan.directory_urls")),
    # About the site: the plan's words, the accessibility statement
    path("woordenlijst/", site_views.glossary, name="glossary"),
    path("toegankelijkheid/", site_views.accessibility, name="accessibility"),
    # Accounts
    path(
        "aanmelden/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("afmelden/", auth_views.LogoutView.as_view(next_page="logged_out"), name="logout"),
    path(
        "afgemeld/",
        TemplateView.as_view(template_name="registration/logged_out.html"),
        name="logged_out",
    ),
    # Password reset (Django's views, the names its e-mail and views expect)
    path(
        "wachtwoord/vergeten/", site_views.PasswordResetView.as_view(), name="password_reset"
    ),
    path(
        "wachtwoord/vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord/nieuw/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord/nieuw/klaar/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Coordinator's admin
    path("admin/", admin.site.urls),
]
