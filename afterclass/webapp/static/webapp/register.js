// Registers the service worker (served by the site at /sw.js, so its scope is the whole site).
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
      console.warn("The offline page is not available:", error);
    });
  });
}
