// Names for the fields that Django's admin widgets and its packages leave without one (axe: label, select-name,
// aria-prohibited-attr, aria-input-field-name). Runs after the widgets are built (they start on "load").
(function () {
  "use strict";
  function text(node) { return node ? node.textContent.replace(/[\s:：*]+$/, "").replace(/\s+/g, " ").trim() : ""; }

  function nameTabularFields() {
    // A tabular inline's fields are named by their column's heading, plus the row's number.
    document.querySelectorAll(".tabular table").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return text(th); });
      table.querySelectorAll("tbody tr").forEach(function (row, index) {
        Array.prototype.forEach.call(row.children, function (cell, column) {
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            var heading = headings[column] || "";
            if (!field.labels || !field.labels.length) {
              if (!field.getAttribute("aria-label") && heading) field.setAttribute("aria-label", heading + " " + (index + 1));
            }
          });
        });
      });
    });
  }

  function nameDateTimeParts() {
    // A date-and-time field's two inputs: "Date" and "Time" are plain text before them.
    document.querySelectorAll("p.datetime").forEach(function (paragraph) {
      var fieldLabel = paragraph.closest(".form-row, fieldset, .fieldBox");
      var label = fieldLabel && fieldLabel.querySelector("label, legend");
      paragraph.querySelectorAll("input").forEach(function (input) {
        var before = input.previousSibling;
        while (before && before.nodeType !== Node.TEXT_NODE) before = before.previousSibling;
        if (!input.getAttribute("aria-label")) input.setAttribute("aria-label", (text(label) + " " + text(before)).trim());
      });
    });
  }

  function fixWidgets() {
    // The filter boxes of a two-list selector: the search icon's label needs a role to carry it.
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // Autocomplete (select2) boxes take the name of their field's label.
    document.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      var container = box.closest(".related-widget-wrapper, .form-row, div");
      var select = container && container.querySelector("select");
      var label = select && select.id && document.querySelector("label[for='" + select.id + "']");
      if (!label) return;
      if (!box.getAttribute("aria-label")) box.setAttribute("aria-label", text(label));
      box.querySelectorAll("[role=textbox]:not([aria-label])").forEach(function (shown) {
        shown.setAttribute("aria-label", text(label));
      });
    });
    // import-export's "select all" box of the export form.
    document.querySelectorAll("input.select-toggle:not([aria-label])").forEach(function (box) {
      var heading = box.closest("fieldset, .form-row, div");
      box.setAttribute("aria-label", text(heading && heading.querySelector("legend, label, h2")) || document.title);
    });
  }

  function focusableScrollers() {
    // An inline's table wider than a phone scrolls sideways: keyboard users must be able to scroll it too.
    document.querySelectorAll(".inline-group").forEach(function (group) {
      if (group.scrollWidth > group.clientWidth && !group.hasAttribute("tabindex")) group.tabIndex = 0;
    });
  }

  nameTabularFields();
  nameDateTimeParts();
  window.addEventListener("load", function () { setTimeout(function () { fixWidgets(); focusableScrollers(); }, 0); });
})();
