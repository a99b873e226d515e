from django.urls import path

from . import directory_views as views

app_name = "actoren"

urlpatterns = [
    # The actor registry
    path("actoren/", views.lijst, name="lijst"),
    path("actoren/<int:pk>/", views.actor, name="actor"),
    # Municipalities and the actions that reach them
    path("gemeenten/", views.gemeenten, name="gemeenten"),
    path("gemeenten/<int:pk>/", views.gemeente, name="gemeente"),
]
