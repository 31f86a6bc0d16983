// Registers the service worker (served by the site at /sw.js, so its scope is the whole site).
// Signing out on this device turns its push notifications off too: the page tells the server
// which subscription is this device's (a shared computer gets nobody's notifications after
// them) and unsubscribes the browser, then signs out, whatever happens on the way.
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
      console.warn("The offline page is not available:", error);
    });
  });

  const SIGN_OUT_WAIT_MS = 3000;

  const forgetPush = async (form) => {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = registration && registration.pushManager
      ? await registration.pushManager.getSubscription() : null;
    if (!subscription) return;
    const token = form.querySelector("[name='csrfmiddlewaretoken']");
    try {
      await fetch(form.dataset.pushUnsubscribe, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify({ endpoint: subscription.endpoint }),
      });
    } finally {
      await subscription.unsubscribe();
    }
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-sign-out]") || !form.dataset.pushUnsubscribe) {
      return;
    }
    event.preventDefault();
    let sent = false;
    const signOut = () => {
      if (sent) return;
      sent = true;
      form.submit(); // no submit event: this handler does not run again
    };
    window.setTimeout(signOut, SIGN_OUT_WAIT_MS);
    forgetPush(form).catch(() => {}).finally(signOut);
  });
}
