/* A calendar button beside every date box (input[data-datepicker], rendered by DayField).
 *
 * The box stays a text input typed as dd/mm/yyyy; the calendar only writes dd/mm/yyyy into it,
 * so the order never follows the browser's language (as <input type="date"> would). Without
 * JavaScript the box still works. Month and weekday names come from the page's language.
 */
(function () {
  "use strict";

  var PATTERN = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(day) {
    return pad(day.getDate()) + "/" + pad(day.getMonth() + 1) + "/" + day.getFullYear();
  }

  function parse(text) {
    var m = PATTERN.exec(text || "");
    if (!m) { return null; }
    var day = new Date(+m[3], +m[2] - 1, +m[1]);
    return day.getMonth() === +m[2] - 1 ? day : null;
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() &&
      a.getDate() === b.getDate();
  }

  function names(lang) {
    var months = [], weekdays = [];
    var monthFormat = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric" });
    var dayFormat = new Intl.DateTimeFormat(lang, { weekday: "short" });
    for (var d = 0; d < 7; d++) {  // 5 January 2026 is a Monday: the week starts on Monday.
      weekdays.push(dayFormat.format(new Date(2026, 0, 5 + d)));
    }
    return { month: function (first) { return monthFormat.format(first); }, weekdays: weekdays };
  }

  function button(text, label, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    if (label) { b.setAttribute("aria-label", label); }
    return b;
  }

  function attach(input, words) {
    // The page gives the box in its input group (DayInput); a box without one is wrapped.
    var group = input.parentNode;
    if (!group.hasAttribute("data-datepicker-group")) {
      group = document.createElement("div");
      group.className = "input-group has-validation" +
        (input.classList.contains("is-invalid") ? " is-invalid" : "");
      input.parentNode.insertBefore(group, input);
      group.appendChild(input);
    }
    group.style.position = "relative";
    var toggle = button("\uD83D\uDCC5", input.dataset.datepickerLabel, "btn btn-outline-secondary");
    toggle.setAttribute("aria-haspopup", "dialog");
    toggle.setAttribute("aria-expanded", "false");
    group.appendChild(toggle);

    var panel = document.createElement("div");
    panel.className = "dropdown-menu p-2 shadow";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", input.dataset.datepickerLabel || "");
    panel.style.top = "100%";
    panel.style.right = "0";
    panel.style.zIndex = "1060";
    group.appendChild(panel);

    var shown = null;  // the first day of the month on display

    function close(focusInput) {
      panel.classList.remove("show");
      toggle.setAttribute("aria-expanded", "false");
      if (focusInput) { input.focus(); }
    }

    function choose(day) {
      input.value = format(day);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close(true);
    }

    function draw() {
      panel.textContent = "";
      var head = document.createElement("div");
      head.className = "d-flex justify-content-between align-items-center mb-1";
      var prev = button("\u2039", input.dataset.datepickerPrev, "btn btn-sm btn-link");
      var next = button("\u203A", input.dataset.datepickerNext, "btn btn-sm btn-link");
      var title = document.createElement("strong");
      title.className = "small";
      title.setAttribute("aria-live", "polite");
      title.textContent = words.month(shown);
      prev.addEventListener("click", function () {
        shown = new Date(shown.getFullYear(), shown.getMonth() - 1, 1); draw(); });
      next.addEventListener("click", function () {
        shown = new Date(shown.getFullYear(), shown.getMonth() + 1, 1); draw(); });
      head.append(prev, title, next);
      panel.appendChild(head);

      var table = document.createElement("table");
      table.className = "table table-sm table-borderless text-center small mb-0";
      var row = document.createElement("tr");
      words.weekdays.forEach(function (name) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = name;
        row.appendChild(th);
      });
      var thead = document.createElement("thead");
      thead.appendChild(row);
      table.appendChild(thead);
      var body = document.createElement("tbody");
      var picked = parse(input.value), today = new Date();
      var offset = (shown.getDay() + 6) % 7;  // blank cells before the 1st, weeks from Monday
      var count = new Date(shown.getFullYear(), shown.getMonth() + 1, 0).getDate();
      row = null;
      for (var cell = 0; cell < offset + count; cell++) {
        if (cell % 7 === 0) { row = document.createElement("tr"); body.appendChild(row); }
        var td = document.createElement("td");
        td.className = "p-0";
        if (cell >= offset) {
          var day = new Date(shown.getFullYear(), shown.getMonth(), cell - offset + 1);
          var b = button(String(day.getDate()), format(day),
            "btn btn-sm w-100 " + (sameDay(day, picked) ? "btn-primary" :
              sameDay(day, today) ? "btn-outline-primary" : "btn-light"));
          b.addEventListener("click", choose.bind(null, day));
          td.appendChild(b);
        }
        row.appendChild(td);
      }
      table.appendChild(body);
      panel.appendChild(table);
    }

    toggle.addEventListener("click", function () {
      if (panel.classList.contains("show")) { close(false); return; }
      var picked = parse(input.value) || new Date();
      shown = new Date(picked.getFullYear(), picked.getMonth(), 1);
      draw();
      panel.classList.add("show");
      toggle.setAttribute("aria-expanded", "true");
      var focus = panel.querySelector("tbody .btn-primary") ||
        panel.querySelector("tbody .btn-outline-primary") || panel.querySelector("tbody button");
      if (focus) { focus.focus(); }
    });
    // A month button is redrawn away before the click reaches the document: keep it inside.
    panel.addEventListener("click", function (event) { event.stopPropagation(); });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(true); }
    });
    document.addEventListener("click", function (event) {
      if (!group.contains(event.target)) { close(false); }
    });
  }

  function start() {
    var lang = document.documentElement.lang || "vi";
    var words = names(lang);
    document.querySelectorAll("input[data-datepicker]").forEach(function (input) {
      attach(input, words);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
