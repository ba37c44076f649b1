/* Truy Vết: small improvements on pages that already work without JavaScript. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Chained place selects: a select with data-parent follows the select it names. A refilled
  // list keeps its choice when the new list has it (the same list loaded again).
  function fill(select, places) {
    // An answer put back (putBack) waits in data-restore for its list to arrive.
    var kept = select.dataset.restore || select.value;
    delete select.dataset.restore;
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

  // Loads the lists below each top-level place chosen; each list loaded loads the next one
  // (fill sends "change"), and each takes the answer waiting in its data-restore.
  function reloadChains() {
    chained.forEach(function (pair) {
      if (!pair[1].dataset.parent && pair[1].value) load(pair[0], pair[1]);
    });
  }

  function remembered(key) {
    try {
      var saved = window.sessionStorage.getItem(key);
      return saved ? JSON.parse(saved) : null;
    } catch (error) { return null; }
  }

  function remember(key, value) {
    try { window.sessionStorage.setItem(key, JSON.stringify(value)); }
    catch (error) { /* no storage: nothing is put back, as without JavaScript */ }
  }

  function forget(key) {
    try { window.sessionStorage.removeItem(key); } catch (error) { /* nothing kept */ }
  }

  // The answers of a form, as [name, value] pairs: what it would send, without its one-time
  // token and the CSRF token, which the page drawn next has of its own.
  function answersOf(form, only) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "form_token" || name === "csrfmiddlewaretoken") return;
      if (typeof value !== "string") return;
      var field = form.elements[name];
      if (only && !(field && only(field))) return;
      pairs.push([name, value]);
    });
    return pairs;
  }

  // Puts answers back into a form; a chained list's answer waits for its list to load.
  function putBack(form, pairs) {
    var values = {};
    pairs.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !(field.name in values) || field.disabled) return;
      var wanted = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = wanted.indexOf(field.value) !== -1;
      } else if (field.type === "hidden" || field.type === "submit" || field.type === "file") {
        return;
      } else if (field.tagName === "SELECT" && field.dataset.parent) {
        field.dataset.restore = wanted[0];
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = wanted.indexOf(option.value) !== -1;
        });
      } else {
        field.value = wanted[0];
      }
    });
    reloadChains();
  }

  // Back to a form (from its success page, say): the browser puts back the answers it can, but
  // the lists below a place put back are still those first drawn, and it drops the answers
  // they did not list. The places chosen are kept in the tab when the form is sent, and put
  // back once their lists are loaded again.
  var placesForm = chained.length ? chained[0][0].form : null;
  var placesKey = "places " + location.pathname;
  if (placesForm) {
    placesForm.addEventListener("submit", function () {
      remember(placesKey, answersOf(placesForm, function (field) {
        return field.tagName === "SELECT";
      }));
    });
  }
  var navigation = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0] : null;
  // The answers are put back after the page has loaded, before it is shown.
  if (navigation && navigation.type === "back_forward") {
    window.addEventListener("pageshow", function () {
      var places = placesForm && remembered(placesKey);
      if (places) putBack(placesForm, places);
      else reloadChains();
    });
  }

  // Switching the language on a form page draws the page again in the other language: what
  // was typed is kept in the tab just before, and put back once, on the page drawn next.
  var typedForm = document.querySelector("form[data-declaration], form[data-keep-answers]");
  var typedKey = "language " + location.pathname + location.search;
  var switcher = document.querySelector("form.language-switch");
  if (typedForm && switcher) {
    switcher.addEventListener("submit", function () {
      remember(typedKey, answersOf(typedForm));
    });
  }
  var typed = typedForm && remembered(typedKey);
  if (typed) {
    forget(typedKey);
    putBack(typedForm, typed);
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

  // The plate shows only with a means that has one (data-plated), the seat only with a coach:
  // the server drops them otherwise. Without JavaScript both show, and their help says so.
  document.querySelectorAll("select[data-plated]").forEach(function (means) {
    var plated = means.dataset.plated.split(" ");
    function show(name, shown) {
      var field = means.form && means.form.elements[name];
      var group = field && field.closest("[id^=div_id_]");
      if (group) group.hidden = !shown;
    }
    function update() {
      var chosen = means.value;
      show("vehicle_plate", !chosen || plated.indexOf(chosen) >= 0);
      show("seat", !chosen || chosen === "coach");
    }
    means.addEventListener("change", update);
    update();
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

  // The desk's search box is drawn empty, for a USB scanner that types as soon as the page is
  // shown. The text searched before comes back selected, so that the next code scanned or
  // phone typed replaces it; but not if something has been typed already. It is selected again
  // whenever the box gets the cursor back with that text in it.
  document.querySelectorAll("input[data-previous]").forEach(function (box) {
    var previous = box.dataset.previous;
    if (box.value) return;
    box.value = previous;
    if (document.activeElement === box) box.select();
    box.addEventListener("focus", function () {
      if (box.value === previous) box.select();
    });
  });

  // A USB scanner types the success page's QR (the staff link /c/<code>/) and Enter wherever
  // the focus is. Outside a field (a person's page, whose passage box has the focus; the
  // board; a bus check's result) those keys would be lost: the link opens, as at the desk. Only
  // the path is followed, on this site, under its address prefix (the brand's link is its home).
  var scanned = "";
  var brand = document.querySelector(".site-brand");
  var siteRoot = brand ? brand.getAttribute("href") : "/";
  var STAFF_LINK = /\/c\/([A-Za-z0-9-]{8,9})\/?$/;
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input, select, textarea, [contenteditable]")) {
      scanned = "";
      return;
    }
    if (event.key === "Enter") {
      var link = STAFF_LINK.exec(scanned);
      scanned = "";
      if (link) {
        event.preventDefault();
        window.location.assign(siteRoot + "c/" + link[1] + "/");
      }
    } else if (event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey) {
      scanned = (scanned + event.key).slice(-200);
    } else if (event.key !== "Shift") {
      scanned = "";
    }
  });

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
