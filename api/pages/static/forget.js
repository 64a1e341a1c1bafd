// On the login page: forget the field pages a previous user left in the phone's cache (they show the
// grid's households). The outbox of unsent observations is kept: it is sent once its user logs in again.
(function () {
  "use strict";
  if (window.caches) {
    caches.keys().then(function (keys) {
      keys.filter(function (k) { return k.indexOf("qianshao-field") === 0; }).forEach(function (k) { caches.delete(k); });
    });
  }
})();
