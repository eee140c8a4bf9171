/* Web push toggle of the alerts page (progressive enhancement): the section stays hidden
   unless the browser has service workers, PushManager and notifications. Turning it on
   asks the permission, subscribes with the server's VAPID key and posts the subscription
   (CSRF token in the header); turning it off tells the server, then drops the browser's
   subscription when no other territory of the site still uses it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  var toggle = box.querySelector("[data-push-toggle]");
  var status = box.querySelector("[data-push-status]");
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]");
  var flag = "cabas-push:" + box.getAttribute("data-territory");
  box.hidden = false;

  function say(text) { status.textContent = text || ""; }

  function keyBytes(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "===".slice((base64.length + 3) % 4);
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function sameKey(subscription, key) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;
    var mine = new Uint8Array(current);
    if (mine.length !== key.length) return false;
    for (var i = 0; i < key.length; i += 1) if (mine[i] !== key[i]) return false;
    return true;
  }

  function remember(on) {
    try {
      if (on) localStorage.setItem(flag, "1"); else localStorage.removeItem(flag);
    } catch (error) { /* private browsing: the toggle just starts off next time */ }
  }

  function remembered() {
    try { return localStorage.getItem(flag) === "1"; } catch (error) { return false; }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error((data.error && data.error.message) || box.getAttribute("data-msg-failed"));
        }
        return data;
      });
    });
  }

  var key = keyBytes(box.getAttribute("data-key"));
  var ready = navigator.serviceWorker.ready;

  function subscribe() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error(box.getAttribute("data-msg-denied"));
      return ready;
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        if (existing && sameKey(existing, key)) return existing;
        var cleared = existing ? existing.unsubscribe() : Promise.resolve();
        return cleared.then(function () {
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        }).catch(function (error) {
          if (error && error.name === "NotAllowedError") throw new Error(box.getAttribute("data-msg-denied"));
          throw new Error(box.getAttribute("data-msg-failed"));
        });
      });
    }).then(function (subscription) {
      return post(box.getAttribute("data-subscribe"), subscription.toJSON());
    });
  }

  function unsubscribe() {
    return ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return { message: box.getAttribute("data-msg-off") };
      return post(box.getAttribute("data-unsubscribe"), { endpoint: subscription.endpoint }).then(function (data) {
        if (data.elsewhere) return data;
        return subscription.unsubscribe().then(function () { return data; });
      });
    });
  }

  toggle.addEventListener("change", function () {
    var on = toggle.checked;
    toggle.disabled = true;
    say("");
    (on ? subscribe() : unsubscribe()).then(function (data) {
      remember(on);
      say(data.message);
    }).catch(function (error) {
      toggle.checked = !on;
      say(error.message);
    }).then(function () {
      toggle.disabled = false;
    });
  });

  // On by default only when this browser subscribed here, with the current key.
  if (Notification.permission === "granted" && remembered()) {
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (existing) {
      toggle.checked = !!existing && sameKey(existing, key);
      // Tell the server again: it may have dropped this device after failures.
      if (toggle.checked) return post(box.getAttribute("data-subscribe"), existing.toJSON());
      return undefined;
    }).catch(function () { /* the toggle stays as shown; a change retries */ });
  }
})();
