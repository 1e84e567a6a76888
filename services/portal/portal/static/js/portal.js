/* Progressive enhancement for the portal: every page works without this file. No inline script (CSP). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry the CSRF token (hx-headers on <body> does too; this covers swapped-in content).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  // The error summary takes focus, so a screen reader announces it and the keyboard starts there.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // Links in the error summary move focus to the field, not only scroll to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({ block: "center" }); }
  });

  // A link that says it is a button (role="button") answers Space as a button does, not only Enter.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === " " || event.key === "Spacebar") && target.matches && target.matches('a[role="button"]')) {
      event.preventDefault();
      target.click();
    }
  });

  // data-confirm on a submit button: ask in a <dialog> before the form is sent.
  var dialog = null;
  function confirmDialog(message, onYes) {
    if (!window.HTMLDialogElement) { if (window.confirm(message)) { onYes(); } return; }
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "confirm-dialog";
      dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
      var lang = document.documentElement.lang;
      var yes = lang === "es" ? "Sí, continuar" : "Yes, continue";
      var no = lang === "es" ? "Cancelar" : "Cancel";
      dialog.innerHTML = '<form method="dialog"><p id="confirm-dialog-text"></p><div class="button-group">' +
        '<button value="yes" class="button button-warning">' + yes + '</button>' +
        '<button value="no" class="button button-secondary">' + no + "</button></div></form>";
      document.body.appendChild(dialog);
    }
    dialog.querySelector("#confirm-dialog-text").textContent = message;
    dialog.onclose = function () { if (dialog.returnValue === "yes") { onYes(); } };
    dialog.returnValue = "";
    dialog.showModal();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (!button || button.dataset.confirmed === "1") { return; }
    event.preventDefault();
    confirmDialog(button.getAttribute("data-confirm"), function () {
      button.dataset.confirmed = "1";
      if (button.form && button.form.requestSubmit) { button.form.requestSubmit(button); }
      else { button.click(); }
      button.dataset.confirmed = "";
    });
  });

  // <input type=file data-max-bytes>: refuse an oversized file before it is sent.
  function checkFileSize(input) {
    var max = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
    var message = document.getElementById(input.id + "-size-error");
    var tooBig = max > 0 && input.files && input.files.length > 0 && input.files[0].size > max;
    input.setCustomValidity(tooBig && message ? message.getAttribute("data-size-message") : "");
    if (message) {
      message.textContent = tooBig ? message.getAttribute("data-size-message") : "";
      message.hidden = !tooBig;
    }
    return !tooBig;
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) { checkFileSize(event.target); }
  });
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      if (!checkFileSize(inputs[i])) { event.preventDefault(); inputs[i].focus(); return; }
    }
  }, true);

  // <form data-autosave>: on input/change, wait a moment, then POST the form with X-Autosave: 1.
  function statusRegion(form) {
    var region = form.querySelector("[data-autosave-status]");
    if (!region) {
      region = document.createElement("p");
      region.className = "autosave-status";
      region.setAttribute("data-autosave-status", "");
      form.appendChild(region);
    }
    region.setAttribute("aria-live", "polite");
    region.setAttribute("role", "status");
    return region;
  }
  function autosave(form) {
    var region = statusRegion(form);
    var lang = document.documentElement.lang;
    var body = new FormData(form);
    body.delete("action");
    if (form.hasAttribute("data-autosave-action")) { body.set("action", form.getAttribute("data-autosave-action")); }
    fetch(form.getAttribute("data-autosave-url") || form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Autosave": "1", "X-CSRF-Token": csrfToken() }
    }).then(function (response) {
      var now = new Date();
      var time = String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
      if (response.ok) {
        region.textContent = (lang === "es" ? "Guardado a las " : "Saved at ") + time;
        form.dispatchEvent(new CustomEvent("portal:autosaved", { bubbles: true, detail: { response: response } }));
      } else {
        region.textContent = lang === "es" ? "No se pudo guardar automáticamente. Use el botón Guardar."
          : "Could not save automatically. Use the Save button.";
      }
    }).catch(function () {
      region.textContent = lang === "es" ? "Sin conexión: no se guardó." : "Offline: not saved.";
    });
  }
  function scheduleAutosave(event) {
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (!form || !form.hasAttribute("data-autosave") || event.target.type === "file") { return; }
    clearTimeout(form._portalAutosave);
    form._portalAutosave = setTimeout(function () { autosave(form); },
      parseInt(form.getAttribute("data-autosave-delay") || "1200", 10));
  }
  document.addEventListener("input", scheduleAutosave);
  document.addEventListener("change", scheduleAutosave);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else { focusErrorSummary(); }
})();
