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

  // A declaration form sent again from this tab with the same answers is sent with the
  // one-time token it had the first time, so that the server finds the declaration it made.
  // Going back from the success page is such a case: the browser draws the form anew, with a
  // new token, and puts the answers back; without this a second person, with a second code,
  // would be created. Other answers (a relative declared next on the same phone) keep the new
  // token. The tab keeps a hash of the answers only, until it is closed.
  function hash(text) {  // cyrb53: 53 bits, enough to tell a tab's declarations apart
    var h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  }

  document.querySelectorAll("form[data-declaration]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var token = form.querySelector("input[name=form_token]");
      if (!token) return;
      var answers = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "form_token" && name !== "csrfmiddlewaretoken") {
          answers.push(name + "=" + value);
        }
      });
      var key = "declared " + location.pathname + " " + hash(answers.join("\n"));
      try {
        var earlier = window.sessionStorage.getItem(key);
        if (earlier) token.value = earlier;
        else window.sessionStorage.setItem(key, token.value);
      } catch (error) { /* no storage: the token still stops a double tap */ }
    });
  });

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

  // A form sent back with mistakes: the first field marked gets the cursor (and, on a phone,
  // the keyboard), not the field that has it on a blank form.
  var mistaken = document.querySelector("form .is-invalid");
  if (mistaken) mistaken.focus();

  // A button with data-confirm asks first (its question in the page's language); without
  // JavaScript the button acts at once, as the page says.
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
