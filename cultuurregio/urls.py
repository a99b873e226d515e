from django.contrib import admin
from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    # Public site
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    # Coordinator's admin
    path("admin/", admin.site.urls),
]
