// The export page's "Select all" toggle, without the inline onchange attribute the
// Content-Security-Policy refuses (templates/admin/import_export/export.html).
// onSelectToggleChange comes from django-import-export's export_selectable_fields.js.
document.addEventListener("change", (event) => {
  if (event.target.matches("input.select-toggle") && typeof onSelectToggleChange === "function") {
    onSelectToggleChange(event);
  }
});
