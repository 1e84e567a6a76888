// Applicant pages: autosave (keeps the version for If-Match), sessionStorage drafts, upload progress.
(function () {
  "use strict";
  var es = document.documentElement.lang === "es";
  function t(en, sp) { return es ? sp : en; }
  function csrf() { var m = document.querySelector("meta[name=csrf-token]"); return m ? m.content : ""; }
  function status(form, text) { var r = form.querySelector("[data-autosave-status]"); if (r) { r.textContent = text; } }
  function fields(form) {
    var data = {}; new FormData(form).forEach(function (v, k) {
      if (k === "csrf_token" || k === "version" || typeof v !== "string") { return; }
      (data[k] = data[k] || []).push(v);
    });
    return data;
  }
  function saveDraft(form) {
    var key = form.getAttribute("data-apply-draft");
    if (key) { try { sessionStorage.setItem("apply-draft:" + key, JSON.stringify(fields(form))); } catch (e) { /* full */ } }
  }
  function restoreDraft(form) {
    var key = form.getAttribute("data-apply-draft"); if (!key) { return; }
    if (form.querySelector("[aria-invalid=true]")) { return; }  // the server re-rendered what was typed
    var raw = null; try { raw = sessionStorage.getItem("apply-draft:" + key); } catch (e) { return; }
    if (!raw) { return; }
    var data = JSON.parse(raw);
    Object.keys(data).forEach(function (name) {
      var els = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
      els.forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = data[name].indexOf(el.value) >= 0; }
        else if (el.type !== "file" && el.type !== "hidden") { el.value = data[name][0]; }
      });
    });
    status(form, t("Restored what you typed before.", "Se recuperó lo que escribió antes."));
  }
  function autosave(form) {
    var body = new FormData(form); body.delete("action");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Autosave": "1", "X-CSRF-Token": csrf(), "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, code: r.status, body: j }; }); })
      .then(function (res) {
        if (res.ok) {
          var v = form.querySelector("input[name=version]");
          if (v && res.body.version !== null && res.body.version !== undefined) { v.value = res.body.version; }
          status(form, t("Saved", "Guardado"));
          var key = form.getAttribute("data-apply-draft");
          if (key) { try { sessionStorage.removeItem("apply-draft:" + key); } catch (e) { /* ignore */ } }
        } else if (res.code === 412) {
          status(form, res.body.message);
        } else {
          status(form, t("Not saved yet: finish the fields, your typing is kept in this browser.",
            "Aún no se guardó: complete los campos; lo escrito se conserva en este navegador."));
        }
      }).catch(function () { status(form, t("Offline: kept in this browser.", "Sin conexión: se conserva en este navegador.")); });
  }
  function onInput(event) {
    var form = event.target.form; if (!form) { return; }
    if (form.hasAttribute("data-apply-draft")) { saveDraft(form); }
    if (form.hasAttribute("data-apply-autosave") && event.type === "change") {
      clearTimeout(form._applySave); form._applySave = setTimeout(function () { autosave(form); }, 800);
    }
  }
  document.addEventListener("input", onInput);
  document.addEventListener("change", onInput);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-apply-draft")) { window.setTimeout(function () {
      try { sessionStorage.removeItem("apply-draft:" + form.getAttribute("data-apply-draft")); } catch (e) { /* ignore */ }
    }, 0); }
    if (!form.hasAttribute("data-apply-upload") || event.defaultPrevented || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    var box = form.querySelector("[data-upload-progress]"), bar = box.querySelector("progress"),
      text = box.querySelector("[data-upload-text]");
    box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Autosave", "1"); xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { var p = Math.round(e.loaded * 100 / e.total); bar.value = p; text.textContent = p + "%"; }
    });
    xhr.addEventListener("load", function () {
      var body = {}; try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status < 300) { window.location.reload(); } else { text.textContent = body.message || t("Upload failed.", "No se pudo subir."); }
    });
    xhr.addEventListener("error", function () { text.textContent = t("Upload failed.", "No se pudo subir."); });
    xhr.send(new FormData(form));
  });
  document.querySelectorAll("form[data-apply-draft]").forEach(restoreDraft);
})();
