// "Push notifications on this device" in the notification settings: subscribes this browser
// through the service worker's pushManager and tells the server, or undoes both. Every failure
// is said in the status line; none is left to the console.
"use strict";
(() => {
  const section = document.getElementById("push-settings");
  if (!section) return;
  const state = document.getElementById("push-state");
  const button = document.getElementById("push-toggle");
  const say = (text) => { state.textContent = text; };

  const csrfToken = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };

  const keyBytes = (base64url) => {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(raw, (character) => character.charCodeAt(0));
  };

  const deviceLabel = () => {
    const agent = navigator.userAgent;
    const browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox"
      : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "A browser";
    const system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS"
      : /Windows/.test(agent) ? "Windows" : /Mac OS/.test(agent) ? "macOS"
      : /Linux/.test(agent) ? "Linux" : "";
    return system ? `${browser} on ${system}` : browser;
  };

  const tell = async (url, body) => {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 404) {
      let message = `the server answered ${response.status}`;
      try { message = (await response.json()).error || message; } catch (error) { /* not JSON */ }
      throw new Error(message);
    }
  };

  const show = (subscribed) => {
    button.hidden = false;
    button.disabled = false;
    button.textContent = subscribed ? "Turn off push notifications" : "Turn on push notifications";
    button.dataset.subscribed = subscribed ? "yes" : "no";
  };

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot receive push notifications.");
    return;
  }

  const ready = () => navigator.serviceWorker.register("/sw.js", { scope: "/" })
    .then(() => navigator.serviceWorker.ready);

  const turnOn = async (registration) => {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say("This browser blocks notifications from Afterclass. Allow them in the browser's site settings, then try again.");
      return false;
    }
    let subscription;
    try {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(section.dataset.key),
      });
    } catch (error) {
      if (error.name === "NotAllowedError") {
        say(`Push notifications could not be turned on: this browser does not allow them here (${error.message || error.name}). Private windows never allow them; in a normal window, allow notifications in the browser's site settings.`);
      } else {
        say(`Push notifications could not be turned on: this browser could not reach its push service (${error.message || error.name}). Check your connection and try again.`);
      }
      return false;
    }
    const json = subscription.toJSON();
    try {
      await tell(section.dataset.subscribeUrl, { endpoint: json.endpoint, keys: json.keys, label: deviceLabel() });
    } catch (error) {
      await subscription.unsubscribe();
      say(`Push notifications could not be turned on: ${error.message}.`);
      return false;
    }
    say("Push notifications are on for this device.");
    return true;
  };

  const turnOff = async (registration) => {
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      await tell(section.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    say("Push notifications are off for this device.");
  };

  ready().then(async (registration) => {
    const subscription = await registration.pushManager.getSubscription();
    say(subscription ? "Push notifications are on for this device." : "Push notifications are off for this device.");
    show(Boolean(subscription));
    button.addEventListener("click", async () => {
      button.disabled = true;
      say(button.dataset.subscribed === "yes" ? "Turning push notifications off…" : "Turning push notifications on…");
      try {
        if (button.dataset.subscribed === "yes") {
          await turnOff(registration);
          show(false);
        } else {
          show(await turnOn(registration));
        }
      } catch (error) {
        say(`That did not work: ${error.message || error.name}. Check your connection and try again.`);
        button.disabled = false;
      }
    });
  }).catch((error) => {
    say(`Push notifications are not available here: ${error.message || error.name}.`);
  });
})();
