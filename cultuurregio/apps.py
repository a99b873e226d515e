from django.contrib.admin.apps import AdminConfig


class CultuurregioAdminConfig(AdminConfig):
    default_site = "cultuurregio.admin.CultuurregioAdminSite"
