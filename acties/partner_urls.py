from django.urls import path

from . import partner_views as views

app_name = "partner"

# The partner's pages: "Mijn acties", the report form, the invitation link.
urlpatterns = [
    # Mijn acties
    path("", views.mijn_acties, name="mijn_acties"),
    # Reports: the form per action and period (?periode=2021 or 2021-1), a report by id
    # (on to its form), taking a submitted report back, attachments
    path("acties/<int:actie_id>/rapport/", views.rapport, name="rapport"),
    path("rapporten/<int:pk>/", views.rapport_detail, name="rapport_detail"),
    path("rapporten/<int:pk>/terugnemen/", views.terugnemen, name="terugnemen"),
    path("bijlagen/<int:pk>/", views.bijlage, name="bijlage"),
    # Invitation: choose a password
    path("uitnodiging/<uidb64>/<token>/", views.UitnodigingView.as_view(), name="uitnodiging"),
]
