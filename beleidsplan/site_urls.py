"""The plan online (namespace ``plan``, cultuurregio/urls.py): the nota table, its goals, its
spreading over the region, and search."""

from django.urls import path

from . import site_views

urlpatterns = [
    # The plan as the nota shows it, and a goal by identity (its id, not its code)
    path("plan/<int:plan_id>/", site_views.plan, name="plan"),
    path(
        "plan/<int:plan_id>/doelstellingen/<int:pk>/",
        site_views.doelstelling,
        name="doelstelling",
    ),
    # Planned and realised reach per municipality
    path("plan/<int:plan_id>/spreiding/", site_views.spreiding, name="spreiding"),
    # Search over goals, actions and actors
    path("zoeken/", site_views.zoeken, name="zoeken"),
]
