// Afterclass's service worker: keeps the static shell and the offline page, nothing else.
// Pages, API answers and uploaded files are private to the person who asked: they are never
// put in a cache, so nobody sharing this browser profile can read them from Cache Storage.
"use strict";

const CACHE = "afterclass-shell-{{ version }}";
const OFFLINE = "{{ offline|escapejs }}";
const ICON = "{{ icon|escapejs }}";
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

// A push carries one notification's text and its link (an address on this site), nothing else.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const text = typeof data.text === "string" ? data.text : "You have a new notification.";
  const local = typeof data.url === "string" && data.url.startsWith("/") && !data.url.startsWith("//");
  const url = local ? data.url : "/notifications/";
  event.waitUntil(
    // The tag is the link: the same notification delivered twice shows once.
    self.registration.showNotification("Afterclass", { body: text, icon: ICON, tag: url, data: { url } })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url && "focus" in client);
      return open ? open.focus() : self.clients.openWindow(url);
    })
  );
});
