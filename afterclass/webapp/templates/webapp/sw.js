// Afterclass's service worker: keeps the static shell and the offline page, nothing else.
// Pages, API answers and uploaded files are private to the person who asked: they are never
// put in a cache, so nobody sharing this browser profile can read them from Cache Storage.
"use strict";

const CACHE = "afterclass-shell-{{ version }}";
const OFFLINE = "{{ offline|escapejs }}";
const SHELL = [{% for url in shell %}"{{ url|escapejs }}", {% endfor %}OFFLINE];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("afterclass-") && name !== CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Network first, always: a page is never answered from (or written to) a cache.
    event.respondWith(
      fetch(request).catch(() => caches.match(OFFLINE, { cacheName: CACHE }))
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(
      caches.match(url.pathname, { cacheName: CACHE }).then((kept) => kept || fetch(request))
    );
  }
  // Anything else goes to the network as if there were no worker.
});
