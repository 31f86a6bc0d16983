// The composer on the feed and a space home (posts/_composer*.html): drafts kept in this
// browser, the tip's character counter, files dropped anywhere on it, and the new card moved to
// the top of the page's list. Everything here enhances a form that works without it.
(function () {
  "use strict";

  const DRAFT_FIELDS = ["title", "body", "link_url", "options"];
  const SAVE_DELAY_MS = 300;
  const SAY_DELAY_MS = 1200;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage switched off: no drafts, the rest still works
    }
  }

  function readDraft(key) {
    const store = storage();
    if (!store || !key) return null;
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function field(form, name) {
    return form.querySelector("[name='" + name + "']");
  }

  // --- Drafts: per person, space and kind (the form's data-draft-key) ------------------------

  function setUpDrafts(form) {
    const key = form.dataset.draftKey;
    const store = storage();
    if (!key || !store) return;
    const fields = DRAFT_FIELDS.map(function (name) { return field(form, name); })
      .filter(Boolean);
    const typed = fields.some(function (input) { return input.value.trim(); });
    const draft = readDraft(key);
    if (draft && draft.serverId) form.dataset.serverDraftId = draft.serverId;
    if (draft && draft.fields && !typed) {
      fields.forEach(function (input) {
        if (draft.fields[input.name]) input.value = draft.fields[input.name];
      });
      const status = form.querySelector("[data-composer-status]");
      if (status) status.textContent = "Your draft is back.";
      fields.forEach(function (input) { input.dispatchEvent(new Event("input")); });
    }
    let timer = null;
    function save() {
      const values = {};
      let any = false;
      fields.forEach(function (input) {
        values[input.name] = input.value;
        if (input.value.trim()) any = true;
      });
      try {
        if (any) {
          store.setItem(key, JSON.stringify({
            url: form.dataset.draftUrl, fields: values, saved: Date.now(),
            serverId: form.dataset.serverDraftId || null,
          }));
        } else {
          store.removeItem(key);
        }
      } catch (error) {
        // Storage full or refused: the draft is simply not kept.
      }
    }
    form.addEventListener("input", function (event) {
      if (fields.indexOf(event.target) < 0 || !event.isTrusted) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, SAVE_DELAY_MS);
    });
    // Words typed before this ran (htmx settles the new composer before announcing it) are
    // kept too: no input event will come for them.
    if (typed) timer = window.setTimeout(save, SAVE_DELAY_MS);
    setUpServerDrafts(form, fields);
  }

  // --- Long drafts are kept on the server too (posts/drafts.py), to go on elsewhere -------
  // Sent after a pause in the typing, only once title and text are long; a draft that gets
  // short again (or empty) is taken off the server. A refusal keeps it in this browser only.

  const SERVER_DRAFT_MIN = 200; // characters of title, text and options together
  const SERVER_SAVE_DELAY_MS = 2000;

  function postTo(form, url, body) {
    const token = field(form, "csrfmiddlewaretoken");
    return window.fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    });
  }

  function setUpServerDrafts(form, fields) {
    const saveUrl = form.dataset.draftSave;
    if (!saveUrl || !window.fetch) return;
    let timer = null;
    function rememberId(id) {
      if (id) form.dataset.serverDraftId = id; else delete form.dataset.serverDraftId;
      const store = storage();
      const draft = readDraft(form.dataset.draftKey);
      if (!store || !draft) return;
      draft.serverId = id || null;
      try {
        store.setItem(form.dataset.draftKey, JSON.stringify(draft));
      } catch (error) {
        // Storage full: the id is only needed to discard the draft, which posting does too.
      }
    }
    function send() {
      const length = fields.reduce(function (sum, input) {
        return sum + (input.name === "link_url" ? 0 : input.value.trim().length);
      }, 0);
      const id = form.dataset.serverDraftId;
      if (length < SERVER_DRAFT_MIN) {
        if (id) {
          rememberId(null);
          postTo(form, form.dataset.draftDiscard.replace("/0/", "/" + id + "/"), null)
            .catch(function () {});
        }
        return;
      }
      const body = new FormData();
      body.append("space", form.dataset.draftSpace || "");
      body.append("kind", (field(form, "kind") || {}).value || "");
      fields.forEach(function (input) { body.append(input.name, input.value); });
      postTo(form, saveUrl, body).then(function (response) {
        if (response.status === 429) {
          const wait = parseInt(response.headers.get("Retry-After") || "2", 10);
          window.clearTimeout(timer);
          timer = window.setTimeout(send, Math.max(1, wait) * 1000);
          return null;
        }
        return response.ok ? response.json() : null;
      }).then(function (saved) {
        if (saved && saved.id && form.isConnected) rememberId(String(saved.id));
      }).catch(function () {
        // Offline: kept in this browser; sent again at the next pause in the typing.
      });
    }
    form.addEventListener("input", function (event) {
      if (fields.indexOf(event.target) < 0 || !event.isTrusted) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(send, SERVER_SAVE_DELAY_MS);
    });
  }

  // A browser without a draft of its own asks the server for this person's long drafts
  // (written on another device, or before this browser's storage was cleared) and keeps them
  // as its own, so that the bar offers the newest and the composer brings it back.
  function fetchServerDrafts(bar) {
    const url = bar.dataset.composerServerDrafts;
    const store = storage();
    if (!url || !store || !window.fetch || bar.dataset.serverDraftsAsked) return;
    bar.dataset.serverDraftsAsked = "1";
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (found) {
        if (!found || !found.drafts || !found.drafts.length) return;
        found.drafts.forEach(function (draft) {
          if (store.getItem(draft.key)) return;
          try {
            store.setItem(draft.key, JSON.stringify({
              url: draft.url, fields: draft.fields, saved: draft.saved, serverId: String(draft.id),
            }));
          } catch (error) {
            // Storage full: this draft stays on the server only.
          }
        });
        if (bar.isConnected) offerDraft(bar, true);
      })
      .catch(function () {});
  }

  // The closed bar offers the newest draft of this person (and space, on a space home).
  function offerDraft(bar, fromServer) {
    const prefix = bar.dataset.composerDrafts;
    const offer = bar.querySelector("[data-composer-draft]");
    const store = storage();
    if (!prefix || !offer || !store) return;
    let newest = null;
    for (let index = 0; index < store.length; index += 1) {
      const key = store.key(index);
      if (!key || key.indexOf(prefix) !== 0) continue;
      const draft = readDraft(key);
      if (draft && draft.url && (!newest || draft.saved > newest.saved)) newest = draft;
    }
    if (!newest) {
      if (!fromServer) fetchServerDrafts(bar);
      return;
    }
    const link = offer.querySelector("a");
    const url = newest.url + "&open=1";
    link.setAttribute("href", url);
    link.setAttribute("hx-get", url);
    offer.hidden = false;
    if (window.htmx) window.htmx.process(link);
  }

  document.addEventListener("composer-posted", function (event) {
    const store = storage();
    const draft = event.detail && event.detail.draft;
    if (store && draft) store.removeItem(draft);
  });

  // --- The tip's counter: shown at every key, said only when the person pauses ------------

  function setUpCounter(counter) {
    const text = counter.closest(".field").querySelector("textarea");
    const said = counter.parentElement.querySelector("[data-composer-count-said]");
    const max = parseInt(counter.dataset.max || "280", 10);
    if (!text) return;
    let timer = null;
    counter.hidden = false;
    const described = (text.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(counter.id) < 0) described.push(counter.id);
    text.setAttribute("aria-describedby", described.join(" "));
    function words(left) {
      if (left < 0) return -left + " characters too many";
      return left === 1 ? "1 character left" : left + " characters left";
    }
    function update() {
      const left = max - text.value.length;
      counter.textContent = words(left);
      counter.classList.toggle("is-near", left <= 20);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (said) said.textContent = words(max - text.value.length);
      }, SAY_DELAY_MS);
    }
    text.addEventListener("input", update);
    counter.textContent = words(max - text.value.length);
    // Words typed before this ran (a composer just swapped in, before htmx:load) are counted
    // and said as if typed now.
    if (text.value) update();
  }

  // --- Files dropped anywhere on the composer go to its drop zone (compose.js) ---------------

  function forwardDrops(form) {
    function zone() {
      return form.querySelector("[data-drop-zone]");
    }
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        const target = zone();
        if (!target || target.contains(event.target) || !event.dataTransfer) return;
        if (!Array.from(event.dataTransfer.types).includes("Files")) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        form.classList.add("is-dragging");
      });
    });
    form.addEventListener("dragleave", function (event) {
      if (!form.contains(event.relatedTarget)) form.classList.remove("is-dragging");
    });
    form.addEventListener("drop", function (event) {
      form.classList.remove("is-dragging");
      const target = zone();
      if (!target || target.contains(event.target) || !event.dataTransfer) return;
      event.preventDefault();
      target.dispatchEvent(new DragEvent("drop", {
        dataTransfer: event.dataTransfer, bubbles: true, cancelable: true,
      }));
    });
  }

  function setUp(root) {
    if (!(root instanceof Element || root instanceof Document)) return;
    const scope = root.matches && root.matches("#composer") ? root.parentElement : root;
    scope.querySelectorAll("#composer-form").forEach(function (form) {
      if (form.dataset.composerReady) return;
      form.dataset.composerReady = "1";
      form.querySelectorAll("[data-composer-no-script]").forEach(function (element) {
        element.hidden = true;
      });
      form.querySelectorAll("[data-composer-count]").forEach(setUpCounter);
      setUpDrafts(form);
      forwardDrops(form);
    });
    scope.querySelectorAll("#composer[data-composer-drafts]").forEach(offerDraft);
  }

  // --- Redrawn (another space or kind): what was typed meanwhile is kept ------------------
  // The request carries the title and text as they were when it left; a person who goes on
  // typing until the answer comes would lose those words (and their place) to the redraw.

  let typedDuringRedraw = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    const config = detail.requestConfig;
    typedDuringRedraw = null;
    if (!config || config.verb !== "get" || !detail.target || detail.target.id !== "composer") {
      return;
    }
    const form = detail.target.querySelector("#composer-form");
    if (!form) return;
    const values = {};
    DRAFT_FIELDS.forEach(function (name) {
      const input = field(form, name);
      if (input && input.value.trim()) values[name] = input.value;
    });
    const active = document.activeElement;
    typedDuringRedraw = {
      values: values,
      focused: active && form.contains(active) && DRAFT_FIELDS.indexOf(active.name) >= 0
        ? active.name : "",
    };
  });

  document.addEventListener("htmx:afterSwap", function () {
    const kept = typedDuringRedraw;
    typedDuringRedraw = null;
    const form = kept && document.getElementById("composer-form");
    if (!form) return;
    Object.keys(kept.values).forEach(function (name) {
      const input = field(form, name);
      if (input && !input.value.trim()) input.value = kept.values[name];
    });
    const focused = kept.focused && field(form, kept.focused);
    if (focused) {
      focused.focus();
      try {
        focused.setSelectionRange(focused.value.length, focused.value.length);
      } catch (error) {
        // A field without a caret (type=url): the focus is enough.
      }
    }
  });

  // --- After posting: the new card at the top of the page's own list -----------------------

  document.addEventListener("htmx:beforeSwap", function (event) {
    const xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("Idempotent-Replayed")) {
      // The same form sent again (a retry): it was posted once. Its card may already be here;
      // if the first answer never arrived (the browser dropped that request for the second),
      // the replayed answer is the only one, and it brings the card.
      const card = /id="(post-\d+)"/.exec(xhr.responseText || "");
      if (card && document.getElementById(card[1])) event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const posted = event.detail.target;
    if (!posted || posted.id !== "composer-posted") return;
    const list = document.getElementById("post-list") ||
      document.querySelector("ol.post-list:not(#composer-posted)");
    if (!list) return; // an empty feed: the card stays in the composer's own list
    Array.from(posted.children).reverse().forEach(function (card) {
      list.prepend(card);
    });
    list.hidden = false;
    const empty = list.parentElement.querySelector(":scope > p.empty");
    if (empty) empty.hidden = true;
  });

  setUp(document);
  document.addEventListener("htmx:load", function (event) {
    setUp(event.target);
  });
})();
