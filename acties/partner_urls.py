
app_name = "partner"

# The partner's pages: "Mijn acties", the report form, the invitation link.
# Filled in by acties/partner_views.py.
urlpatterns: list = []
