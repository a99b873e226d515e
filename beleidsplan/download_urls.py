from django.urls import path

from . import downloads

urlpatterns = [
    # A published version: its actions (CSV, XLSX) and the whole plan (PDF). Its JSON is
    # beleidsplan:versie_json.
    path(
        "plan/<int:plan_id>/versies/<int:nummer>/acties.csv",
        downloads.versie_csv,
        name="versie_csv",
    ),
    path(
        "plan/<int:plan_id>/versies/<int:nummer>/acties.xlsx",
        downloads.versie_xlsx,
        name="versie_xlsx",
    ),
    path(
        "plan/<int:plan_id>/versies/<int:nummer>/plan.pdf",
        downloads.versie_pdf,
        name="versie_pdf",
    ),
    # The working state (steering group and coordinators)
    path("plan/<int:plan_id>/werkversie/acties.csv", downloads.werkversie_csv, name="werk_csv"),
    path(
        "plan/<int:plan_id>/werkversie/acties.xlsx", downloads.werkversie_xlsx, name="werk_xlsx"
    ),
    path("plan/<int:plan_id>/werkversie/plan.pdf", downloads.werkversie_pdf, name="werk_pdf"),
]
