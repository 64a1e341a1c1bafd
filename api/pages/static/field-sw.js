// The informant's pages open without a network: the field pages and their assets are kept in a cache
// (network first, so an online phone always gets the current page; the cache only when it is offline).
// Observations themselves are never cached here: the outbox (outbox.js) keeps them until answered.
"use strict";
var CACHE = "qianshao-field-v1";

function notSaved() {  // offline and not on the phone: a page in Chinese, never the browser's own error page
  var body = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    '<title>未联网</title><link rel="stylesheet" href="/static/pages.css"><main><h1>未联网</h1>' +
    '<p>此页尚未保存在手机上，联网后即可打开。已填写的记录仍保存在手机上。</p>' +
    '<p lang="en">Offline: this page is not saved on the phone yet.</p><p><a href="/field/tasks">我的核实任务</a></p></main></html>';
  return new Response(body, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}
var PAGES = ["/field/report", "/field/register", "/field/tasks", "/static/pages.css", "/static/outbox.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(PAGES.map(function (url) {
      return fetch(url, {credentials: "same-origin", redirect: "error"}).then(function (response) {
        return response.ok ? cache.put(url, response) : null;
      }).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (!(url.pathname.indexOf("/field/") === 0 || url.pathname.indexOf("/static/") === 0)) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      // "/field/tasks?done=1" may open the saved "/field/tasks"; a form of another kind never stands in
      return hit || (url.searchParams.has("kind") ? null : caches.match(url.pathname, {ignoreSearch: true}));
    }).then(function (hit) { return hit || notSaved(); });
  }));
});
