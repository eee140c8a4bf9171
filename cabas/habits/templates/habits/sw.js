/* Cabas service worker (AGPL-3.0-or-later): the app shell from the cache for instant
   repeat visits, pages from the network, and the shopper's offline page (next pickups
   and their codes) when the network is gone. */
"use strict";
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
