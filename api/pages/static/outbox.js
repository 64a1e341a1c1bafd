// The informant's outbox: every observation is kept on the phone (localStorage) until the server has
// answered for it, and re-sent with its original observation id, so a re-send is a `duplicate` and
// nothing is doubled. Rejected observations come back to the form with the server's messages.
// A correction (a form with data-corrects) waits and is re-sent the same way, to its own endpoint.
(function () {
  "use strict";
  var script = document.currentScript;
  var user = script.getAttribute("data-user") || "anonymous";
  var KEY = "qianshao.outbox." + user;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var FORMS_SAVED = "qianshao-forms-saved";  // the CSRF token of the session whose report forms are in the cache
  var list = document.getElementById("outbox");
  var sentList = document.getElementById("sent");
  var netStatus = document.getElementById("net-status");
  var form = document.querySelector("form.observation");
  var sending = false;
  var RETRY_MS = 3000;  // waiting items are tried again this often: `navigator.onLine` is only a hint (true on a
  var retry = null;     // Wi-Fi with no way out, or after a page reopened offline), so no "online" event may come

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "obs-" + Date.now() + "-" + Math.random().toString(16).slice(2);
  }

  function observedAt() {  // local time with its UTC offset, e.g. 2026-03-01T09:30:00+08:00
    var now = new Date(), off = -now.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    function two(n) { return String(Math.floor(Math.abs(n))).padStart(2, "0"); }
    return now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate()) + "T" + two(now.getHours()) +
      ":" + two(now.getMinutes()) + ":" + two(now.getSeconds()) + sign + two(off / 60) + ":" + two(off % 60);
  }

  function typed(el) {
    var raw = el.value.trim(), type = el.getAttribute("data-type");
    if (raw === "") { return undefined; }
    if (type === "number") { return Number(raw); }
    if (type === "integer") { return /^-?\d+$/.test(raw) ? parseInt(raw, 10) : Number(raw); }
    if (type === "boolean") { return raw === "true"; }
    if (type === "list") { return raw.split(/[,，\s]+/).filter(Boolean); }
    return raw;
  }

  function put(target, path, value) {  // "data.members[1].name" -> target.data.members[1].name
    var parts = path.replace(/\[(\d+)\]/g, ".$1").split("."), node = target;
    for (var i = 0; i < parts.length - 1; i++) {
      var next = /^\d+$/.test(parts[i + 1]) ? [] : {};
      node = node[parts[i]] = node[parts[i]] || next;
    }
    node[parts[parts.length - 1]] = value;
  }

  function envelope() {
    var env = {observation_id: newId(), observed_at: form.getAttribute("data-observed-at") || observedAt(),
               kind: form.getAttribute("data-kind"), data: {}};
    form.querySelectorAll("[data-field]").forEach(function (el) {
      var value = typed(el);
      if (value !== undefined) { put(env, el.getAttribute("data-field"), value); }
    });
    if (env.data.members) { env.data.members = env.data.members.filter(Boolean); }
    return env;
  }

  function label(env) {
    var kind = document.querySelector("#form-h");
    return (kind ? kind.textContent : env.kind) + " · " + (env.household || "") + " · " + env.observed_at.slice(0, 16).replace("T", " ");
  }

  function render() {
    var items = load();
    list.innerHTML = "";
    if (!items.length) { var none = document.createElement("li"); none.textContent = list.dataset.empty; list.appendChild(none); }
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "waiting";
      li.setAttribute("data-observation", item.envelope.observation_id);
      li.textContent = item.label + " — " + list.dataset.waiting;
      list.appendChild(li);
    });
    netStatus.hidden = navigator.onLine;
    document.querySelectorAll("article.task").forEach(function (task) {
      var waiting = items.some(function (i) { return i.visit === task.getAttribute("data-alert"); });
      task.querySelector(".task-waiting").hidden = !waiting;
      task.querySelector("form.visit").hidden = waiting;
    });
  }

  function clearErrors(target) {
    var f = target || form;
    f.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    f.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); el.removeAttribute("aria-invalid"); });
    var top = f.querySelector("[data-form-error]"); top.hidden = true; top.textContent = "";
  }

  function showErrors(errors, target) {  // next to the field each message names; the rest above the form
    var f = target || form;
    var top = f.querySelector("[data-form-error]"), rest = [];
    var zh = document.documentElement.lang.indexOf("zh") === 0;
    errors.forEach(function (e) {
      var message = zh ? e.message_zh : e.message;
      var el = f.querySelector('[data-field="' + e.field + '"]') || f.querySelector('[name="' + e.field + '"]');
      var slot = el ? document.getElementById(el.getAttribute("aria-describedby")) :
        f.querySelector('[data-field-error="' + e.field + '"]');
      if (el) { el.classList.add("invalid"); el.setAttribute("aria-invalid", "true"); }
      if (slot) { slot.textContent = message; } else { rest.push(message); }
    });
    top.textContent = (rest.length < errors.length ? list.dataset.fix + " " : "") + rest.join("；");
    top.hidden = false;
  }

  function markSent(item, errors) {  // sent, or answered as not accepted (with the server's reasons)
    var li = document.createElement("li"), zh = document.documentElement.lang.indexOf("zh") === 0;
    li.className = errors ? "rejected" : "sent";
    li.setAttribute("data-observation", item.envelope.observation_id);
    li.textContent = item.label + " — " + (errors ? list.dataset.rejected + "：" +
      errors.map(function (e) { return zh ? e.message_zh : e.message; }).join("；") : list.dataset.sent);
    sentList.prepend(li);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function send(items) {  // new observations in one batch, then each correction and visit; the [item, result] answered
    var fresh = items.filter(function (i) { return !i.corrects && !i.visit; }), answered = [];
    var chain = !fresh.length ? Promise.resolve() :
      post("/field/observations", {observations: fresh.map(function (i) { return i.envelope; })}).then(function (a) {
        a.results.forEach(function (result, index) { answered.push([fresh[index], result]); });
      });
    items.filter(function (i) { return i.visit; }).forEach(function (item) {
      chain = chain.then(function () {
        return post("/field/tasks/" + encodeURIComponent(item.visit) + "/visit", item.envelope)
          .then(function (a) { answered.push([item, a.result]); });
      });
    });
    items.filter(function (i) { return i.corrects; }).forEach(function (item) {
      chain = chain.then(function () {
        return post("/field/observations/" + encodeURIComponent(item.corrects) + "/correction", item.envelope)
          .then(function (a) { answered.push([item, a.result]); });
      });
    });
    return chain.catch(function () { /* no network or no answer: the rest stays in the outbox */ })
      .then(function () { return answered; });
  }

  function retryLater() {  // while anything waits, one more try after RETRY_MS (one timer at a time)
    if (retry === null && load().length) {
      retry = setTimeout(function () { retry = null; flush(); }, RETRY_MS);
    }
  }

  function flush() {
    var items = load();
    render();
    if (sending) { return Promise.resolve([]); }
    if (!items.length || !navigator.onLine) { retryLater(); return Promise.resolve([]); }
    sending = true;
    return send(items).then(function (answered) {
      var done = {};
      answered.forEach(function (pair) {
        var item = pair[0], result = pair[1];
        done[item.envelope.observation_id] = true;
        if (result.status !== "rejected") { markSent(item); if (item.visit) { visitDone(item.visit); } return; }
        markSent(item, result.errors || []);
        if (item.visit) { visitBack(item.visit, result.errors || []); return; }
        if (form && item.envelope.kind === form.getAttribute("data-kind") &&
            (item.corrects || null) === form.getAttribute("data-corrects")) {
          clearErrors(); showErrors(result.errors || []);
        }
      });
      save(load().filter(function (i) { return !done[i.envelope.observation_id]; }));
      return answered;
    }).then(function (answered) { sending = false; render(); retryLater(); return answered; });
  }

  function addMember() {
    var members = document.getElementById("members");
    var last = members.lastElementChild, index = members.children.length;
    var copy = last.cloneNode(true);
    copy.setAttribute("data-index", index);
    copy.innerHTML = copy.innerHTML.replace(/members\[\d+\]/g, "members[" + index + "]")
      .replace(/members-\d+/g, "members-" + index);
    copy.querySelector("legend").textContent = this.getAttribute("data-label").replace("N", index + 1);
    copy.querySelectorAll("input, select, textarea").forEach(function (el) { el.value = ""; });
    copy.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    members.appendChild(copy);
    copy.querySelector("input, select").focus();
  }

  function missing(target) {  // required fields left empty: stopped here, with a message, before anything is queued
    var empty = [];
    target.querySelectorAll('[aria-required="true"], [required]').forEach(function (el) {
      if (el.closest("[hidden]") || el.value.trim() !== "") { return; }
      empty.push({field: el.getAttribute("data-field") || el.name, message: list.dataset.required,
                  message_zh: list.dataset.required, el: el});
    });
    if (empty.length) { showErrors(empty, target); empty[0].el.focus(); }
    return empty.length > 0;
  }

  function visitDone(alertId) {  // recorded: the task leaves the list
    var task = document.querySelector('article.task[data-alert="' + alertId + '"]');
    if (task) { task.remove(); }
  }

  function visitBack(alertId, errors) {  // refused: back on its form with the server's reasons
    var task = document.querySelector('article.task[data-alert="' + alertId + '"]');
    if (!task) { return; }
    var visitForm = task.querySelector("form.visit");
    visitForm.hidden = false; task.querySelector(".task-waiting").hidden = true;
    clearErrors(visitForm); showErrors(errors, visitForm);
  }

  function visitSubmitted(event) {
    event.preventDefault();
    var visitForm = event.target, alertId = visitForm.getAttribute("data-alert");
    clearErrors(visitForm);
    if (missing(visitForm)) { return; }
    var task = visitForm.closest("article.task"), title = task.querySelector("h2");
    var envelope = {visit_id: newId(), outcome: visitForm.elements.outcome.value,
                    note: visitForm.elements.note.value.trim(), visited_on: visitForm.elements.visited_on.value || null};
    var items = load();
    items.push({envelope: {observation_id: envelope.visit_id, outcome: envelope.outcome, note: envelope.note,
                           visited_on: envelope.visited_on},
                visit: alertId, label: (title ? title.textContent.trim() : alertId) + " · " + observedAt().slice(0, 16).replace("T", " ")});
    save(items);
    render();
    flush();
  }

  function submitted(event) {
    event.preventDefault();
    clearErrors();
    if (missing(form)) { return; }
    var env = envelope(), items = load(), corrects = form.getAttribute("data-corrects");
    items.push(corrects ? {envelope: env, label: label(env), corrects: corrects} : {envelope: env, label: label(env)});
    save(items);
    if (!navigator.onLine) { render(); retryLater(); if (!corrects) { form.reset(); } return; }
    flush().then(function (answered) {
      var mine = answered.filter(function (pair) { return pair[0].envelope.observation_id === env.observation_id; })[0];
      if (mine && mine[1].status === "rejected") { return; }  // back on the form with the server's messages
      if (mine && corrects) { location.assign(form.getAttribute("data-done")); }
      else if (!corrects) { form.reset(); }  // sent, or waiting in the outbox (no answer yet)
    });
  }

  if (form) { form.addEventListener("submit", submitted); }
  document.querySelectorAll("form.visit").forEach(function (f) { f.addEventListener("submit", visitSubmitted); });
  var add = document.getElementById("add-member");
  if (add) { add.addEventListener("click", addMember); }
  if ("serviceWorker" in navigator && window.isSecureContext) {  // so the page opens again without a network
    navigator.serviceWorker.register("/field/sw.js", {scope: "/field/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {  // this page as it is now, and every report form once per session: the forms carry
      // the session's CSRF token, and fetching all nine beside every page slowed the next page past 500 ms
      var urls = [script.getAttribute("data-page") || location.pathname + location.search];
      var saved = window.sessionStorage && sessionStorage.getItem(FORMS_SAVED) === csrf;
      if (!saved) {
        document.querySelectorAll("#kind option").forEach(function (o) { urls.push("/field/report?kind=" + o.value); });
      }
      urls = urls.filter(function (url, i) { return urls.indexOf(url) === i; });
      return caches.open("qianshao-field-v1").then(function (cache) { return cache.addAll(urls); }).then(function () {
        if (!saved && urls.length > 1 && window.sessionStorage) { sessionStorage.setItem(FORMS_SAVED, csrf); }
      });
    }).then(function () { document.documentElement.setAttribute("data-offline-ready", "true"); }).catch(function (e) { console.warn("offline cache: " + e); });  // the page still works while it stays open
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  flush();
})();
