from django.urls import path

from . import progress_views as views

urlpatterns = [
    # Progress of a plan and of an action (public for a public plan: approved reports only)
    path("plan/<int:plan_id>/voortgang/", views.voortgang, name="voortgang"),
    path("acties/<int:pk>/", views.actie, name="actie"),
    # Annual report: page, spreadsheet, PDF
    path("plan/<int:plan_id>/jaarverslag/<int:jaar>/", views.jaarverslag, name="jaarverslag"),
    path(
        "plan/<int:plan_id>/jaarverslag/<int:jaar>.xlsx",
        views.jaarverslag_xlsx, name="jaarverslag_xlsx",
    ),
    path(
        "plan/<int:plan_id>/jaarverslag/<int:jaar>.pdf",
        views.jaarverslag_pdf, name="jaarverslag_pdf",
    ),
    # The coordinator's overview: who has not reported yet
    path("plan/<int:plan_id>/rapportering/", views.rapportering, name="rapportering"),
]
