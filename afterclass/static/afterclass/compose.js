// The editors' helpers: @mention suggestions on text areas, and drop zones that upload files
// ahead of the form with their progress. Both enhance markup that works without them.
(function () {
  "use strict";

  // --- @mentions -----------------------------------------------------------------------------

  // `@` not glued to a word, an address or a path (as posts/mentions.py reads it), then the
  // handle typed so far, right before the caret.
  const TYPED_MENTION = /(?:^|[^\w@./:+=&#-])@([A-Za-z0-9_+.-]{1,64})$/;
  const SUGGEST_DELAY_MS = 200;
  let lists = 0;

  function setUpMentions(textarea) {
    const source = textarea.dataset.mentionSource;
    if (!source || textarea.dataset.mentionReady) return;
    textarea.dataset.mentionReady = "1";
    lists += 1;
    const list = document.createElement("ul");
    list.id = "mention-list-" + lists;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);

    let people = [];
    let active = -1;
    let typed = null; // {text, start} of the mention being typed
    let timer = null;
    let request = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      people = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      list.querySelectorAll("[role=option]").forEach(function (option, number) {
        option.setAttribute("aria-selected", number === index ? "true" : "false");
        option.classList.toggle("active", number === index);
      });
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", list.id + "-" + index);
        const option = document.getElementById(list.id + "-" + index);
        if (option) option.scrollIntoView({ block: "nearest" });
      } else {
        textarea.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      close();
      people = found;
      if (!people.length) {
        status.textContent = "No one to mention by that name.";
        return;
      }
      people.forEach(function (person, index) {
        const option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = person.name;
        const handle = document.createElement("span");
        handle.className = "mention-handle";
        handle.textContent = "@" + person.handle;
        option.append(name, " ", handle);
        // mousedown, not click: the text area keeps the focus (and its caret).
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(index);
        });
        list.append(option);
      });
      list.hidden = false;
      highlight(0);
      status.textContent =
        people.length === 1 ? "1 person to mention." : people.length + " people to mention.";
    }

    function pick(index) {
      const person = people[index];
      if (!person || !typed) return;
      const caret = textarea.selectionStart;
      const before = textarea.value.slice(0, typed.start);
      const after = textarea.value.slice(caret);
      const inserted = "@" + person.handle + " ";
      textarea.value = before + inserted + after.replace(/^ /, "");
      const position = before.length + inserted.length;
      textarea.setSelectionRange(position, position);
      typed = null;
      close();
      status.textContent = "Mentioned " + person.name + ".";
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function typedMention() {
      if (textarea.selectionStart !== textarea.selectionEnd) return null;
      const before = textarea.value.slice(0, textarea.selectionStart);
      const match = TYPED_MENTION.exec(before);
      if (!match) return null;
      return { text: match[1], start: before.length - match[1].length - 1 };
    }

    function suggest() {
      typed = typedMention();
      window.clearTimeout(timer);
      if (!typed) {
        close();
        return;
      }
      const text = typed.text;
      timer = window.setTimeout(function () {
        if (request) request.abort();
        request = new AbortController();
        const url = new URL(source, window.location.href);
        url.searchParams.set("q", text);
        fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: request.signal,
        })
          .then(function (response) {
            return response.ok ? response.json() : [];
          })
          .then(function (found) {
            // Only if the person is still typing that same mention.
            const now = typedMention();
            if (now && now.text === text) show(Array.isArray(found) ? found : []);
          })
          .catch(function (error) {
            if (error.name !== "AbortError") close();
          });
      }, SUGGEST_DELAY_MS);
    }

    textarea.addEventListener("input", suggest);
    textarea.addEventListener("click", suggest);
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !people.length) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % people.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + people.length) % people.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        window.clearTimeout(timer);
        close();
      }
    });
    textarea.addEventListener("blur", function () {
      window.clearTimeout(timer);
      close();
    });
  }

  // --- Uploads: drop zones with progress -----------------------------------------------------

  const SLOT_FIELD = /(picture|alt|upload)_\d+/g;

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function megabytes(bytes) {
    return (bytes / 1024 / 1024).toFixed(1);
  }

  // Send one file to the upload API; `done(answer, null)` with the stored upload, or
  // `done(null, reason)` with why it was refused, written for the person.
  function sendFile(url, form, file, onProgress, done) {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.addEventListener("load", function () {
      let answer = {};
      try {
        answer = JSON.parse(xhr.responseText || "{}");
      } catch (error) {
        answer = {};
      }
      if (xhr.status === 201 && answer.id) {
        done(answer, null);
      } else {
        done(null, answer.detail || "The file could not be sent (" + xhr.status + ").");
      }
    });
    xhr.addEventListener("error", function () {
      done(null, "The file could not be sent: check the connection and try again.");
    });
    const body = new FormData();
    body.append("file", file, file.name);
    xhr.send(body);
  }

  function tooBig(file, maxBytes) {
    if (!maxBytes || file.size <= maxBytes) return null;
    return "This file is " + megabytes(file.size) + " MB; the limit is " +
      Math.floor(maxBytes / 1024 / 1024) + " MB.";
  }

  // A form waits for its files: sent once every one has arrived, so none is left behind.
  function holdSubmitWhileSending(form, message, isSending) {
    let waitingSubmit = null;
    form.addEventListener("submit", function (event) {
      if (isSending()) {
        event.preventDefault();
        waitingSubmit = event.submitter || true;
        message.textContent = "Waiting for the files to finish sending…";
      }
    });
    return function sendingDone() {
      if (isSending() || !waitingSubmit) return;
      const submitter = waitingSubmit;
      waitingSubmit = null;
      message.textContent = "";
      form.requestSubmit(submitter instanceof HTMLElement ? submitter : undefined);
    };
  }

  // Files dragged over `element` highlight it; dropped ones go to `take(files, event)`.
  function acceptDrops(element, take) {
    ["dragenter", "dragover"].forEach(function (eventName) {
      element.addEventListener(eventName, function (event) {
        if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        element.classList.add("is-dragging");
      });
    });
    element.addEventListener("dragleave", function (event) {
      if (!element.contains(event.relatedTarget)) element.classList.remove("is-dragging");
    });
    element.addEventListener("drop", function (event) {
      element.classList.remove("is-dragging");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      take(event.dataTransfer.files, event);
    });
  }

  // A progress bar and its words for a file waiting its turn, appended to `status`.
  function showWaiting(status, file) {
    const progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", "Sending " + file.name);
    const label = document.createElement("span");
    label.className = "upload-progress";
    label.textContent = "Waiting to send " + file.name + "…";
    status.append(progress, " ", label);
    return { progress: progress, label: label };
  }

  function setUpDropZone(zone) {
    if (zone.dataset.dropReady) return;
    zone.dataset.dropReady = "1";
    const form = zone.closest("form");
    const url = zone.dataset.uploadUrl;
    const maxBytes = parseInt(zone.dataset.maxBytes || "0", 10);
    const maxSlots = parseInt(zone.dataset.maxSlots || "1", 10);
    const offset = parseInt(zone.dataset.pictureOffset || "0", 10);
    const counter = zone.querySelector("[data-slot-count]");
    const hint = zone.querySelector("[data-drop-hint]");
    const message = document.createElement("p");
    message.className = "upload-message";
    message.setAttribute("role", "alert");
    if (hint) {
      hint.hidden = false;
      hint.insertAdjacentElement("afterend", message);
    } else {
      zone.prepend(message);
    }
    zone.classList.add("is-enhanced");

    function slots() {
      return Array.from(zone.querySelectorAll("[data-upload-slot]"));
    }
    function idInput(slot) {
      return slot.querySelector("input[data-upload-id]");
    }
    function fileInput(slot) {
      return slot.querySelector("input[type=file]");
    }
    function statusOf(slot) {
      return slot.querySelector("[data-upload-status]");
    }
    function isFree(slot) {
      return !idInput(slot).value && !slot.dataset.busy;
    }

    function addSlot() {
      const all = slots();
      if (all.length >= maxSlots) return null;
      const last = all[all.length - 1];
      const number = all.length + 1;
      const slot = last.cloneNode(true);
      slot.dataset.uploadSlot = String(number);
      delete slot.dataset.busy;
      slot.querySelectorAll("*").forEach(function (element) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replace(SLOT_FIELD, "$1_" + number));
        });
        element.removeAttribute("aria-invalid");
      });
      slot.querySelectorAll(".errorlist").forEach(function (errors) {
        errors.remove();
      });
      slot.querySelectorAll("label").forEach(function (label) {
        label.textContent = label.textContent.replace(/(picture )\d+/i, "$1" + (number + offset));
      });
      slot.querySelectorAll("input").forEach(function (input) {
        if (input.type !== "hidden" || input.hasAttribute("data-upload-id")) input.value = "";
      });
      statusOf(slot).replaceChildren();
      last.insertAdjacentElement("afterend", slot);
      watchSlot(slot);
      if (counter) counter.value = String(number);
      if (number >= maxSlots) {
        const more = zone.querySelector("[data-more-slots]");
        if (more) more.hidden = true;
      }
      return slot;
    }

    function freeSlot() {
      return slots().find(isFree) || addSlot();
    }

    function showReady(slot, name, thumbnail) {
      const status = statusOf(slot);
      status.replaceChildren();
      if (thumbnail) {
        const image = document.createElement("img");
        image.src = thumbnail;
        image.alt = "";
        image.className = "upload-preview";
        status.append(image);
      }
      const ready = document.createElement("span");
      ready.className = "upload-ready";
      ready.textContent = name + " is ready.";
      status.append(ready);
      addRemoveButton(slot, name);
    }

    function addRemoveButton(slot, name) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link upload-remove";
      button.textContent = "Remove " + name;
      button.addEventListener("click", function () {
        idInput(slot).value = "";
        statusOf(slot).replaceChildren();
        const input = fileInput(slot);
        if (input) input.focus();
      });
      statusOf(slot).append(" ", button);
    }

    function showRefusal(slot, name, text) {
      const status = statusOf(slot);
      status.replaceChildren();
      const refusal = document.createElement("span");
      refusal.className = "upload-refused";
      refusal.setAttribute("role", "alert");
      refusal.textContent = name + ": " + text;
      status.append(refusal);
    }

    function upload(slot, file) {
      const input = fileInput(slot);
      // The file travels on its own; the form carries only its id.
      if (input) input.value = "";
      idInput(slot).value = "";
      const refusal = tooBig(file, maxBytes);
      if (refusal) {
        showRefusal(slot, file.name, refusal);
        return;
      }
      slot.dataset.busy = "1";
      pending += 1;
      const status = statusOf(slot);
      status.replaceChildren();
      const shown = showWaiting(status, file);
      // One file at a time: each gets the whole connection, and the server one write at once.
      queue.push({ slot: slot, file: file, progress: shown.progress, label: shown.label });
      pump();
    }

    function pump() {
      if (sending || !queue.length) return;
      sending = true;
      const item = queue.shift();
      const slot = item.slot;
      const file = item.file;
      const progress = item.progress;
      item.label.textContent = "Sending " + file.name + "…";

      sendFile(url, form, file, function (percent) {
        progress.value = percent;
      }, function (answer, refusal) {
        if (answer) {
          idInput(slot).value = String(answer.id);
          const thumbnail = answer.kind === "image" ? answer.thumbnail_url : null;
          showReady(slot, answer.name || file.name, thumbnail);
        } else {
          showRefusal(slot, file.name, refusal);
        }
        finished(slot);
      });
    }

    function finished(slot) {
      delete slot.dataset.busy;
      pending -= 1;
      sending = false;
      pump();
      sendingDone();
    }

    function send(files, first) {
      message.textContent = "";
      Array.from(files).forEach(function (file, index) {
        const slot = index === 0 && first ? first : freeSlot();
        if (!slot) {
          message.textContent =
            maxSlots === 1
              ? "Only one file can be attached here."
              : "At most " + maxSlots + " pictures: " + file.name + " was left out.";
          return;
        }
        upload(slot, file);
      });
    }

    function watchSlot(slot) {
      const input = fileInput(slot);
      if (!input) return;
      // The server checks that there is a picture; the file itself no longer goes with the form.
      input.required = false;
      input.addEventListener("change", function () {
        if (input.files && input.files.length) send(input.files, slot);
      });
    }

    let pending = 0;
    let sending = false;
    const queue = [];
    const sendingDone = form
      ? holdSubmitWhileSending(form, message, function () { return pending > 0; })
      : function () {};
    slots().forEach(function (slot) {
      watchSlot(slot);
      const status = statusOf(slot);
      const ready = status.querySelector(".upload-ready");
      if (idInput(slot).value && ready) {
        addRemoveButton(slot, ready.textContent.replace(/ is ready\.$/, ""));
      }
    });

    const more = zone.querySelector("[data-more-slots] a");
    if (more) {
      more.addEventListener("click", function (event) {
        event.preventDefault();
        for (let added = 0; added < 3; added += 1) addSlot();
        const slot = slots().find(isFree);
        if (slot && fileInput(slot)) fileInput(slot).focus();
      });
    }

    acceptDrops(zone, function (files, event) {
      const target = event.target.closest && event.target.closest("[data-upload-slot]");
      send(files, target && isFree(target) ? target : null);
    });
  }

  // A multiple-file field of a learning form (`input[type=file][data-upload-url]`): files
  // chosen or dropped on it are sent one by one with their progress, and the form carries only
  // their ids, in hidden `data-sent-field` inputs. Without JavaScript the files go with the form.
  function setUpFileList(input) {
    if (input.dataset.dropReady) return;
    input.dataset.dropReady = "1";
    const form = input.closest("form");
    const field = input.parentElement;
    const url = input.dataset.uploadUrl;
    const name = input.dataset.sentField;
    const maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    const maxFiles = parseInt(input.dataset.maxFiles || "10", 10);
    field.classList.add("upload-zone", "is-enhanced");
    const hint = document.createElement("p");
    hint.className = "drop-hint";
    hint.textContent = "Drag files here, or choose them: each is sent as soon as it is chosen.";
    const message = document.createElement("p");
    message.className = "upload-message";
    message.setAttribute("role", "alert");
    const list = document.createElement("ul");
    list.className = "upload-list";
    list.setAttribute("aria-label", "Files sent");
    list.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("beforebegin", message);
    input.insertAdjacentElement("beforebegin", hint);

    const queue = [];
    let pending = 0;
    let sending = false;
    const sendingDone = form
      ? holdSubmitWhileSending(form, message, function () { return pending > 0; })
      : function () {};

    function readyCount() {
      return list.querySelectorAll("input[type=hidden]").length + pending;
    }

    function showReady(item, id, fileName) {
      item.replaceChildren();
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = String(id);
      const ready = document.createElement("span");
      ready.className = "upload-ready";
      ready.textContent = fileName + " is ready.";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link upload-remove";
      remove.textContent = "Remove " + fileName;
      remove.addEventListener("click", function () {
        item.remove();
        input.focus();
      });
      item.append(hidden, ready, " ", remove);
    }

    function showRefusal(item, fileName, text) {
      item.replaceChildren();
      const refusal = document.createElement("span");
      refusal.className = "upload-refused";
      refusal.setAttribute("role", "alert");
      refusal.textContent = fileName + ": " + text;
      item.append(refusal);
    }

    function pump() {
      if (sending || !queue.length) return;
      sending = true;
      const next = queue.shift();
      next.label.textContent = "Sending " + next.file.name + "…";
      sendFile(url, form, next.file, function (percent) {
        next.progress.value = percent;
      }, function (answer, refusal) {
        if (answer) showReady(next.item, answer.id, answer.name || next.file.name);
        else showRefusal(next.item, next.file.name, refusal);
        pending -= 1;
        sending = false;
        pump();
        sendingDone();
      });
    }

    function send(files) {
      message.textContent = "";
      Array.from(files).forEach(function (file) {
        const item = document.createElement("li");
        item.className = "upload-status";
        list.append(item);
        const refusal = tooBig(file, maxBytes);
        if (refusal) {
          showRefusal(item, file.name, refusal);
          return;
        }
        if (readyCount() >= maxFiles) {
          showRefusal(item, file.name, "At most " + maxFiles + " files can be attached here.");
          return;
        }
        pending += 1;
        const shown = showWaiting(item, file);
        queue.push({ item: item, file: file, progress: shown.progress, label: shown.label });
      });
      pump();
    }

    // Files sent ahead before a refused form came back are listed as ready again.
    if (form) {
      form.querySelectorAll("input[data-sent-upload][name='" + name + "']").forEach(
        function (sent) {
          const item = document.createElement("li");
          item.className = "upload-status";
          list.append(item);
          showReady(item, sent.value, sent.dataset.name || "A file sent earlier");
          sent.remove();
        }
      );
    }

    input.addEventListener("change", function () {
      if (!input.files || !input.files.length) return;
      const files = Array.from(input.files);
      // The files travel on their own; the form carries only their ids.
      input.value = "";
      send(files);
    });
    acceptDrops(field, send);
  }

  function setUp(root) {
    root.querySelectorAll("textarea[data-mention-source]").forEach(setUpMentions);
    root.querySelectorAll("[data-drop-zone]").forEach(setUpDropZone);
    root.querySelectorAll("input[type=file][data-upload-url]").forEach(setUpFileList);
  }

  // A feed card's one-line reply box gets its mention suggestions when it is first focused:
  // the same help as the post page's comment box, without setting it up for every card.
  document.addEventListener("focusin", function (event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.expandsMentions) return;
    textarea.dataset.mentionSource = textarea.dataset.expandsMentions;
    delete textarea.dataset.expandsMentions;
    setUpMentions(textarea);
  });

  setUp(document);
  // Forms that htmx brings in (a reply form, an edited comment) get the same help.
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) setUp(event.target);
  });
})();
