/* Truy Vết: small improvements on pages that already work without JavaScript. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Chained place selects: a select with data-parent follows the select it names. A refilled
  // list keeps its choice when the new list has it (the same list loaded again).
  function fill(select, places) {
    var kept = select.value;
    var first = select.options[0];
    select.innerHTML = "";
    select.appendChild(first);
    places.forEach(function (place) {
      var option = document.createElement("option");
      option.value = place[0];
      option.textContent = place[1];
      select.appendChild(option);
    });
    select.value = kept;
    if (select.value !== kept) select.value = "";
    select.dispatchEvent(new Event("change"));
  }

  function load(child, parent) {
    if (!parent.value) { fill(child, []); return; }
    fetch(child.dataset.url.replace("CODE", encodeURIComponent(parent.value)))
      .then(function (response) { return response.json(); })
      .then(function (data) { fill(child, data.places); })
      .catch(function () { /* keep the old list; the server checks the choice anyway */ });
  }

  var chained = [];
  document.querySelectorAll("select[data-parent]").forEach(function (child) {
    var parent = document.getElementById(child.dataset.parent);
    if (!parent) return;
    chained.push([child, parent]);
    parent.addEventListener("change", function () { load(child, parent); });
  });
  // Back to a form (from its success page, say): the browser puts back the answers it can, but
  // the lists below a province put back are still those first drawn. Load them for it again.
  var navigation = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0] : null;
  // The answers are put back after the page has loaded, before it is shown.
  if (navigation && navigation.type === "back_forward") {
    window.addEventListener("pageshow", function () {
      chained.forEach(function (pair) {
        if (!pair[1].dataset.parent && pair[1].value) load(pair[0], pair[1]);
      });
    });
  }

  // A page that refreshes itself (data-refresh: every so many seconds) unless paused with its
  // switch, or while someone is typing in one of its fields. Without JavaScript, a <noscript>
  // meta refresh does it (it cannot be paused).
  var refreshing = document.querySelector("[data-refresh]");
  if (refreshing) {
    var toggle = refreshing.querySelector("[data-refresh-toggle]");
    var paused = false;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.setAttribute("aria-pressed", String(paused));
      toggle.textContent = paused ? toggle.dataset.resume : toggle.dataset.pause;
    });
    window.setInterval(function () {
      var field = document.activeElement;
      var typing = field && field.matches("input, select, textarea");
      if (!paused && !typing) window.location.reload();
    }, 1000 * parseInt(refreshing.dataset.refresh, 10));
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
