/*
 * Autosave for assessment steps. The page works without this script (the buttons save);
 * with it, every change is saved at once and the status line says whether it worked.
 * One request in flight per skill; the latest value always wins; failures retry with backoff.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) { return; }

  var url = form.getAttribute("data-autosave-url");
  var statusEl = document.querySelector("[data-save-status]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {};   // skill slug -> latest payload not yet sent
  var inFlight = {};  // skill slug -> true while a request is running
  var timers = {};    // debounce timers for evidence typing
  var failures = 0;

  function setStatus(text, kind) {
    if (!statusEl) { return; }
    statusEl.textContent = text;
    statusEl.className = "save-status small mb-0 " + (kind ? "save-status-" + kind : "");
  }

  function payloadFor(fieldset) {
    var slug = fieldset.getAttribute("data-skill");
    var checked = fieldset.querySelector("input[type=radio]:checked");
    var evidence = fieldset.querySelector("textarea");
    if (!checked) { return null; }
    return { skill: slug, level: checked.value, evidence: evidence ? evidence.value : "" };
  }

  function updateProgress(data) {
    var rated = document.querySelector("[data-progress-rated]");
    var bar = document.querySelector("[data-progress-bar]");
    if (rated && typeof data.rated === "number") { rated.textContent = data.rated; }
    if (bar && typeof data.rated === "number") { bar.value = data.rated; }
    var percent = document.querySelector("[data-progress-percent]");
    if (percent && data.total) { percent.textContent = Math.round(100 * data.rated / data.total) + "%"; }
  }

  function send(slug) {
    if (inFlight[slug] || !pending[slug]) { return; }
    var payload = pending[slug];
    delete pending[slug];
    inFlight[slug] = true;
    setStatus("Saving…", "saving");
    var body = new URLSearchParams(payload);
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (result) {
      inFlight[slug] = false;
      if (result.status === 200 && result.data.saved) {
        failures = 0;
        updateProgress(result.data);
        var note = document.querySelector('fieldset[data-skill="' + slug + '"] [data-testid=carried-over]');
        if (note) { note.remove(); }
        setStatus("Saved", "saved");
        if (pending[slug]) { send(slug); }
      } else if (result.status === 400 || result.status === 409 || result.status === 404 || result.status === 403) {
        // The server refused this answer: say why; retrying would not help.
        setStatus("Not saved: " + (result.data.error || "please use the Save button."), "error");
      } else {
        retry(slug, payload);
      }
    }).catch(function () {
      inFlight[slug] = false;
      retry(slug, payload);
    });
  }

  function retry(slug, payload) {
    failures += 1;
    if (!pending[slug]) { pending[slug] = payload; }
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(failures - 1, 5)));
    setStatus("Not saved, retrying…", "error");
    window.setTimeout(function () { send(slug); }, delay);
  }

  function queue(fieldset) {
    var payload = payloadFor(fieldset);
    if (!payload) { return; }
    pending[payload.skill] = payload;
    send(payload.skill);
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-skill]");
    if (fieldset && event.target.type === "radio") { queue(fieldset); }
  });

  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    var fieldset = event.target.closest("fieldset[data-skill]");
    if (!fieldset) { return; }
    var slug = fieldset.getAttribute("data-skill");
    window.clearTimeout(timers[slug]);
    timers[slug] = window.setTimeout(function () { queue(fieldset); }, 700);
  });

  var submitting = false;  // the Save buttons post the whole step, so nothing is lost by leaving
  form.addEventListener("submit", function () { submitting = true; });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) { return; }
    if (Object.keys(pending).length || Object.keys(inFlight).some(function (k) { return inFlight[k]; })) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
