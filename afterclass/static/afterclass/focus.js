// After an in-place update (htmx): keep keyboard focus where the person is, and say what changed.
//
// A swap can take away the element that had focus (the pressed reaction button, the form that
// was sent), and the browser then puts focus on <body>: a keyboard or screen reader user is
// thrown back to the top. So: a view may send the "afterclass-updated" event after the swap
// settles (afterclass.core.updates.announce) with a message for the live region #announcer and
// a selector to focus (the new answer); otherwise focus goes back to the control that has the
// same data-focus-key (or id) as the one pressed, else to the updated element itself.
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  function keyOf(el) {
    if (!el || el === document.body) {
      return null;
    }
    var keyed = el.closest("[data-focus-key]");
    if (keyed) {
      return "key:" + keyed.getAttribute("data-focus-key");
    }
    return el.id ? "id:" + el.id : null;
  }

  function byKey(key) {
    if (!key) {
      return null;
    }
    var value = key.slice(4);
    if (key.indexOf("id:") === 0) {
      return document.getElementById(value);
    }
    return document.querySelector('[data-focus-key="' + CSS.escape(value) + '"]');
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function focusOn(el) {
    if (!el || !el.isConnected) {
      return false;
    }
    if (!el.matches(FOCUSABLE)) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
    return document.activeElement === el;
  }

  function say(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) {
      return;
    }
    // Emptied first, so that the same words said twice are read twice.
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 60);
  }

  // What had focus is kept with each request (its xhr), not in one variable: a response can
  // start another request (the bell, on "bell-changed") that must not overwrite it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr) {
      return;
    }
    xhr.afterclassFocus = {
      // A request sent while nothing had focus (one triggered by "load", as the bell's, on a
      // fresh page) must not pull focus into <main>: the next Tab would skip the header.
      hadFocus: !focusLost(),
      key: keyOf(document.activeElement),
      target: event.detail.target,
    };
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // After every swap of the response (out of band ones too) has settled.
    var xhr = event.detail && event.detail.xhr;
    var pressed = xhr && xhr.afterclassFocus;
    if (!pressed || !pressed.hadFocus) {
      return;
    }
    window.setTimeout(function () {
      if (!focusLost()) {
        return;
      }
      focusOn(byKey(pressed.key)) ||
        focusOn(pressed.target) ||
        focusOn(document.getElementById("main"));
    }, 0);
  });

  document.body.addEventListener("afterclass-updated", function (event) {
    var detail = event.detail || {};
    if (detail.focus) {
      focusOn(document.querySelector(detail.focus));
    }
    say(detail.message);
  });
})();
