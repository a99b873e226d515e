
app_name = "acties"

# Progress pages, the annual report and the coordinator's overview (issue: partners report
# progress). Filled in by acties/views.py.
urlpatterns: list = []
