/* Cabas service worker (AGPL-3.0-or-later): the app shell from the cache for instant
   repeat visits, pages from the network, the shopper's offline page (next pickups
   and their codes) when the network is gone, and alert notifications (web push). */
"use strict";{% load i18n %}
const VERSION = "{{ version|escapejs }}";
const SHELL = "cabas-shell-" + VERSION;
const PAGES = "cabas-offline";
const STATIC_PREFIX = "{{ static_prefix|escapejs }}";
const SHELL_FILES = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("cabas-shell-") && key !== SHELL).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

// The page asks for its territory's offline page to be kept fresh while online.
function refreshOffline(url) {
  return fetch(url, { credentials: "same-origin", cache: "no-store" })
    .then((response) => {
      if (response.ok) {
        return caches.open(PAGES).then((cache) => cache.put(url, response));
      }
      return undefined;
    })
    .catch(() => undefined);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "cache-offline-page" && typeof data.url === "string" && data.url.startsWith("/")) {
    event.waitUntil(refreshOffline(data.url));
  }
});

// "/ville/…" → "/ville/hors-ligne/", "/en/ville/…" → "/en/ville/hors-ligne/".
function offlineUrlFor(href) {
  const parts = new URL(href).pathname.split("/").filter(Boolean);
  const prefix = parts[0] === "en" ? "/" + parts.shift() : "";
  return parts.length ? prefix + "/" + parts[0] + "/hors-ligne/" : null;
}

async function offlineResponse(request) {
  const cache = await caches.open(PAGES);
  const own = offlineUrlFor(request.url);
  const exact = own ? await cache.match(own) : undefined;
  if (exact) return exact;
  const keys = await cache.keys();
  if (keys.length) return cache.match(keys[0]);
  return new Response("<!doctype html><meta charset=utf-8><title>Hors ligne</title><p>Pas de connexion.</p>", {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offlineResponse(request)));
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(SHELL).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
  }
});

// Web push: the server sends {title, body, url, icon, tag, lang} (habits/push.py).
{% translate "Du nouveau dans vos alertes." as fallback_body %}const DEFAULT_NOTIFICATION = { title: "Cabas", body: "{{ fallback_body|escapejs }}", url: "/" };

function notificationData(event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  return data && typeof data === "object" ? data : {};
}

// Only a path of this site is opened: a payload never sends the shopper elsewhere.
function sameOriginUrl(value) {
  try {
    const url = new URL(typeof value === "string" ? value : "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  const data = notificationData(event);
  const title = typeof data.title === "string" && data.title ? data.title : DEFAULT_NOTIFICATION.title;
  const options = {
    body: typeof data.body === "string" ? data.body : DEFAULT_NOTIFICATION.body,
    icon: typeof data.icon === "string" ? sameOriginUrl(data.icon) : undefined,
    tag: typeof data.tag === "string" ? data.tag : undefined,
    lang: typeof data.lang === "string" ? data.lang : "fr",
    data: { url: sameOriginUrl(data.url || DEFAULT_NOTIFICATION.url) },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

// A click focuses a tab already on the page, or opens it.
function openNotificationUrl(href) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => client.url === href && "focus" in client);
    if (open) return open.focus();
    return self.clients.openWindow ? self.clients.openWindow(href) : undefined;
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const href = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(openNotificationUrl(href));
});
