from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from beleidsplan.views_home import home

urlpatterns = [
    # Public site
    path("", home, name="home"),
    path("", include("beleidsplan.urls")),
    path("", include("acties.urls")),
    path("partner/", include("acties.partner_urls")),
    # Accounts
    path(
        "aanmelden/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("afmelden/", auth_views.LogoutView.as_view(), name="logout"),
    # Coordinator's admin
    path("admin/", admin.site.urls),
]
