/*
 * "Copy" beside a link shown once (share and review links). Without this script the link is still
 * in a read-only field to select and copy by hand; with it, the button copies it and says so.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.closest(".alert, form, div").parentNode.querySelector("[data-copy-status]");
    if (!field) { return; }
    button.hidden = false;

    function say(text) { if (status) { status.textContent = text; } }

    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          say("Copied to the clipboard.");
        }, function () {
          say("Could not copy: the link is selected, press Ctrl+C (or ⌘C).");
        });
      } else {
        var copied = false;
        try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
        say(copied ? "Copied to the clipboard." : "Could not copy: the link is selected, press Ctrl+C (or ⌘C).");
      }
    });
  });
})();
