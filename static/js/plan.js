/*
 * Autosave for the plan page. The page works without this script (it is one form: any Save
 * button saves every item); with it, each item is saved a moment after it changes, its own
 * status says "Saved" beside it, and leaving with changes not yet saved asks first.
 * One request in flight per item; the latest values always win; failures retry with backoff.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-plan-form]");
  if (!form || !window.fetch) { return; }

  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var dirty = {};     // item url -> true from the first change until the server has its latest values
  var inFlight = {};  // item url -> true while a request is running
  var timers = {};
  var failures = 0;
  var submitting = false;

  var hint = document.querySelector("[data-autosave-hint]");
  if (hint) { hint.textContent = " Changes are also saved as you type."; }

  function section(el) { return el.closest("[data-plan-item]"); }

  function setStatus(box, text, kind) {
    var status = box.closest("section").querySelector("[data-item-status]");
    if (!status) { return; }
    status.textContent = text;
    status.className = "plan-save-status small " + (kind ? "save-status-" + kind : "");
  }

  function payload(box) {
    var body = new URLSearchParams();
    box.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (field) {
      body.append(field.name, field.value);
    });
    return body;
  }

  function send(box) {
    var url = box.getAttribute("data-save-url");
    if (inFlight[url]) { return; }  // the running request's answer sends the latest values again
    inFlight[url] = true;
    dirty[url] = false;
    setStatus(box, "Saving…", "saving");
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
      body: payload(box),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (result) {
      inFlight[url] = false;
      if (result.status === 200 && result.data.saved) {
        failures = 0;
        var badge = box.closest("section").querySelector("[data-item-badge]");
        if (badge && result.data.status_label) { badge.textContent = result.data.status_label; }
        if (dirty[url]) { send(box); return; }
        setStatus(box, result.data.warning ? "Saved. " + result.data.warning : "Saved", "saved");
      } else if (result.status >= 400 && result.status < 500) {
        // The server refused these values: say why, and keep them marked unsaved.
        dirty[url] = true;
        setStatus(box, result.data.error || "Not saved: press Save my plan to see why.", "error");
      } else {
        retry(box);
      }
    }).catch(function () {
      inFlight[url] = false;
      retry(box);
    });
  }

  function retry(box) {
    var url = box.getAttribute("data-save-url");
    failures += 1;
    dirty[url] = true;
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(failures - 1, 5)));
    setStatus(box, "Not saved, retrying…", "error");
    window.setTimeout(function () { if (dirty[url]) { send(box); } }, delay);
  }

  function changed(event, wait) {
    var box = section(event.target);
    if (!box) { return; }
    var url = box.getAttribute("data-save-url");
    dirty[url] = true;
    setStatus(box, "Not saved yet", "saving");
    window.clearTimeout(timers[url]);
    timers[url] = window.setTimeout(function () { send(box); }, wait);
  }

  form.addEventListener("input", function (event) {
    if (event.target.tagName === "SELECT" || event.target.type === "date") { return; }
    changed(event, 800);
  });
  form.addEventListener("change", function (event) { changed(event, 0); });
  form.addEventListener("submit", function () { submitting = true; });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) { return; }
    var unsaved = Object.keys(dirty).some(function (k) { return dirty[k] || inFlight[k]; });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
