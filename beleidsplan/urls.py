from django.urls import path

from . import views

urlpatterns = [
    # Published versions and comparisons
    path("plan/<int:plan_id>/versies/", views.versies, name="versies"),
    path("plan/<int:plan_id>/versies/<int:nummer>/", views.versie, name="versie"),
    path(
        "plan/<int:plan_id>/versies/<int:nummer>/plan.json", views.versie_json, name="versie_json"
    ),
    path("plan/<int:plan_id>/vergelijk/", views.vergelijk, name="vergelijk"),
    path("plan/<int:plan_id>/vergelijk.json", views.vergelijk_json, name="vergelijk_json"),
    # A version of the plan before this one beside this plan (issue 13).
    path(
        "plan/<int:plan_id>/vergelijk-met-vorig-plan/",
        views.vergelijk_vorig_plan,
        name="vergelijk_vorig_plan",
    ),
    path(
        "plan/<int:plan_id>/doelstellingen/<int:doelstelling_id>/geschiedenis/",
        views.geschiedenis,
        name="geschiedenis",
    ),
    # Working state and revision rounds (steering group and coordinators)
    path("plan/<int:plan_id>/werkversie/", views.werkversie, name="werkversie"),
    path("plan/<int:plan_id>/herzieningen/", views.herzieningen, name="herzieningen"),
    path("plan/<int:plan_id>/herzieningen/<int:pk>/", views.herziening, name="herziening"),
    path("voorstellen/<int:pk>/reactie/", views.reageer, name="reageer"),
]
