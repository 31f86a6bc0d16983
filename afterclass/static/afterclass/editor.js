// The editor over Markdown text areas marked `data-editor` (on the text area or on the field
// around it; its value is the space's preview URL): a formatting toolbar with keyboard
// shortcuts, Write / Preview tabs (the server renders the preview with the saved posts' own
// pipeline), an emoji picker from our bundled list, and pictures pasted from the clipboard sent
// through the form's own drop zone (compose.js). Without it the text area works as it is.
(function () {
  "use strict";

  const script = document.currentScript;
  const EMOJI_URL = script ? new URL("emoji.json", script.src).href : "";
  const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");
  const MOD = IS_MAC ? "⌘" : "Ctrl+";
  let editors = 0;
  let emojiList = null; // the bundled emoji, fetched once (from our own static files)

  // --- Editing the text: every change through insertText keeps the browser's undo ----------

  function replaceRange(textarea, start, end, text, selectStart, selectEnd) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || textarea.value.slice(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    textarea.setSelectionRange(selectStart, selectEnd);
  }

  function isWrapped(textarea, before, after) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const value = textarea.value;
    if (value.slice(start - before.length, start) !== before) return false;
    if (value.slice(end, end + after.length) !== after) return false;
    // `**bold**` is not italic `*`; a fenced block is not inline code.
    const outer = value.charAt(start - before.length - 1);
    return !(before.length === 1 && outer === before);
  }

  // Wrap the selection (or a placeholder) in markers, or take them off when already there.
  function wrap(textarea, before, after, placeholder) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    if (isWrapped(textarea, before, after)) {
      const inner = textarea.value.slice(start, end);
      const from = start - before.length;
      replaceRange(textarea, from, end + after.length, inner, from, from + inner.length);
      return;
    }
    const inner = textarea.value.slice(start, end) || placeholder;
    const at = start + before.length;
    replaceRange(textarea, start, end, before + inner + after, at, at + inner.length);
  }

  function link(textarea) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const selected = textarea.value.slice(start, end);
    if (selected && /^https?:\/\/\S+$/.test(selected)) {
      const text = "[link text](" + selected + ")";
      replaceRange(textarea, start, end, text, start + 1, start + 10);
      return;
    }
    const words = selected || "link text";
    const text = "[" + words + "](https://)";
    if (selected) {
      const url = start + words.length + 3;
      replaceRange(textarea, start, end, text, url, url + "https://".length);
    } else {
      replaceRange(textarea, start, end, text, start + 1, start + 1 + words.length);
    }
  }

  function code(textarea) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const selected = textarea.value.slice(start, end);
    if (!selected.includes("\n")) {
      wrap(textarea, "`", "`", "code");
      return;
    }
    const lead = start > 0 && textarea.value.charAt(start - 1) !== "\n" ? "\n" : "";
    const text = lead + "```\n" + selected.replace(/\n$/, "") + "\n```\n";
    const at = start + lead.length + 4;
    replaceRange(textarea, start, end, text, at, at + selected.replace(/\n$/, "").length);
  }

  // Lists and quotes: every line of the selection gets the prefix, or loses it if all had it.
  function prefixLines(textarea, kind) {
    const value = textarea.value;
    const start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    let end = value.indexOf("\n", Math.max(textarea.selectionEnd - 1, start));
    if (textarea.selectionEnd > textarea.selectionStart && value.charAt(textarea.selectionEnd - 1) === "\n") {
      end = textarea.selectionEnd - 1;
    }
    if (end === -1) end = value.length;
    const lines = value.slice(start, end).split("\n");
    const patterns = { bullet: /^- /, number: /^\d+\. /, quote: /^> ?/ };
    const pattern = patterns[kind];
    const all = lines.every(function (line) { return pattern.test(line); });
    const changed = lines.map(function (line, index) {
      if (all) return line.replace(pattern, "");
      if (kind === "bullet") return "- " + line;
      if (kind === "number") return index + 1 + ". " + line;
      return "> " + line;
    }).join("\n");
    replaceRange(textarea, start, end, changed, start, start + changed.length);
  }

  function mention(textarea) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const before = textarea.value.charAt(start - 1);
    const text = (before && !/\s/.test(before) ? " " : "") + "@";
    // The caret after `@`: compose.js's suggestions take over as the person types a name.
    replaceRange(textarea, start, end, text, start + text.length, start + text.length);
  }

  // --- The toolbar -------------------------------------------------------------------------

  const ACTIONS = [
    { name: "bold", label: "Bold", icon: "B", key: "b", pressed: ["**", "**"],
      run: function (t) { wrap(t, "**", "**", "bold text"); } },
    { name: "italic", label: "Italic", icon: "I", key: "i", pressed: ["_", "_"],
      run: function (t) { wrap(t, "_", "_", "italic text"); } },
    { name: "link", label: "Link", icon: "↗", key: "k", run: link },
    { name: "bullet", label: "Bulleted list", icon: "•≡",
      run: function (t) { prefixLines(t, "bullet"); } },
    { name: "number", label: "Numbered list", icon: "1≡",
      run: function (t) { prefixLines(t, "number"); } },
    { name: "quote", label: "Quote", icon: "❝", run: function (t) { prefixLines(t, "quote"); } },
    { name: "code", label: "Code", icon: "</>", pressed: ["`", "`"], run: code },
    { name: "mention", label: "Mention someone", icon: "@", run: mention },
    { name: "emoji", label: "Emoji", icon: "☺", popup: true },
  ];

  function makeButton(action) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "editor-button editor-" + action.name;
    button.tabIndex = -1;
    button.dataset.action = action.name;
    const shortcut = action.key ? " (" + MOD + action.key.toUpperCase() + ")" : "";
    button.setAttribute("aria-label", action.label);
    button.title = action.label + shortcut;
    if (action.key) {
      const key = action.key.toUpperCase();
      button.setAttribute("aria-keyshortcuts", "Control+" + key + " Meta+" + key);
    }
    if (action.pressed) button.setAttribute("aria-pressed", "false");
    if (action.popup) {
      button.setAttribute("aria-haspopup", "dialog");
      button.setAttribute("aria-expanded", "false");
    }
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = action.icon;
    button.append(icon);
    return button;
  }

  // Arrow keys, Home and End move between a group's items; one of them is in the tab order.
  function rove(container, items, orientationKeys) {
    container.addEventListener("keydown", function (event) {
      const list = items();
      const index = list.indexOf(document.activeElement);
      if (index < 0) return;
      let next = null;
      if (event.key === orientationKeys[1]) next = (index + 1) % list.length;
      else if (event.key === orientationKeys[0]) next = (index - 1 + list.length) % list.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = list.length - 1;
      if (next === null) return;
      event.preventDefault();
      list.forEach(function (item, number) { item.tabIndex = number === next ? 0 : -1; });
      list[next].focus();
      container.dispatchEvent(new CustomEvent("editor:roved", { detail: list[next] }));
    });
  }

  // --- The emoji picker --------------------------------------------------------------------

  function loadEmoji() {
    if (emojiList) return Promise.resolve(emojiList);
    return fetch(EMOJI_URL, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (found) {
        emojiList = Array.isArray(found) ? found : [];
        return emojiList;
      })
      .catch(function () { return []; });
  }

  function makePicker(id, textarea, opener) {
    const picker = document.createElement("div");
    picker.className = "editor-emoji-picker";
    picker.id = id + "-emoji";
    picker.setAttribute("role", "dialog");
    picker.setAttribute("aria-label", "Emoji");
    picker.hidden = true;
    const label = document.createElement("label");
    label.htmlFor = id + "-emoji-search";
    label.textContent = "Search emoji";
    const search = document.createElement("input");
    search.type = "search";
    search.id = id + "-emoji-search";
    search.autocomplete = "off";
    search.setAttribute("aria-describedby", id + "-emoji-count");
    const count = document.createElement("p");
    count.id = id + "-emoji-count";
    count.className = "editor-emoji-count muted";
    count.setAttribute("aria-live", "polite");
    const grid = document.createElement("div");
    grid.className = "editor-emoji-grid";
    grid.setAttribute("role", "group");
    grid.setAttribute("aria-label", "Emoji to insert");
    picker.append(label, search, count, grid);
    let range = [0, 0];

    function buttons() {
      return Array.from(grid.querySelectorAll("button"));
    }

    function show(words) {
      const wanted = words.trim().toLowerCase();
      const found = (emojiList || []).filter(function (item) {
        return !wanted || (item.name + " " + item.keywords).toLowerCase().includes(wanted);
      });
      grid.replaceChildren();
      found.forEach(function (item, index) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "editor-emoji-item";
        button.tabIndex = index === 0 ? 0 : -1;
        button.setAttribute("aria-label", item.name);
        button.title = item.name;
        button.textContent = item.emoji;
        button.addEventListener("click", function () { pick(item.emoji); });
        grid.append(button);
      });
      count.textContent = found.length
        ? found.length + (found.length === 1 ? " emoji" : " emoji") + " found."
        : "No emoji by that name.";
    }

    function open() {
      range = [textarea.selectionStart, textarea.selectionEnd];
      loadEmoji().then(function () {
        search.value = "";
        show("");
        picker.hidden = false;
        opener.setAttribute("aria-expanded", "true");
        search.focus();
      });
    }

    function close(refocus) {
      if (picker.hidden) return;
      picker.hidden = true;
      opener.setAttribute("aria-expanded", "false");
      if (refocus) {
        textarea.focus();
        textarea.setSelectionRange(range[0], range[1]);
      }
    }

    function pick(emoji) {
      close(false);
      replaceRange(textarea, range[0], range[1], emoji, range[0] + emoji.length,
        range[0] + emoji.length);
    }

    search.addEventListener("input", function () { show(search.value); });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // not the form's submit
        const first = buttons()[0];
        if (first) pick(first.textContent);
      } else if (event.key === "ArrowDown") {
        const first = buttons()[0];
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    // A grid of emoji: arrows move by one, up and down by a row.
    grid.addEventListener("keydown", function (event) {
      const list = buttons();
      const index = list.indexOf(document.activeElement);
      if (index < 0) return;
      const columns = Math.max(1, Math.round(grid.clientWidth / list[0].offsetWidth));
      const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
      let next = null;
      if (event.key in moves) next = index + moves[event.key];
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = list.length - 1;
      if (next === null) return;
      event.preventDefault();
      if (next < 0) {
        search.focus();
        return;
      }
      next = Math.min(next, list.length - 1);
      list.forEach(function (item, number) { item.tabIndex = number === next ? 0 : -1; });
      list[next].focus();
    });
    picker.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close(true);
      }
    });
    // Leaving the picker (a click or Tab elsewhere) closes it without taking the focus back.
    picker.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !picker.contains(event.relatedTarget) &&
          event.relatedTarget !== opener) {
        close(false);
      }
    });
    return { element: picker, open: open, close: close, isOpen: function () { return !picker.hidden; } };
  }

  // --- Preview -----------------------------------------------------------------------------

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const cookie = document.cookie.split("; ").find(function (part) {
      return part.startsWith("csrftoken=");
    });
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
  }

  function showPreview(url, textarea, panel) {
    panel.setAttribute("aria-busy", "true");
    panel.replaceChildren();
    const waiting = document.createElement("p");
    waiting.className = "muted";
    waiting.textContent = "Preparing the preview…";
    panel.append(waiting);
    const body = new FormData();
    body.append("text", textarea.value);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(textarea.form), Accept: "text/html" },
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, status: response.status, text: text };
        });
      })
      .then(function (answer) {
        if (answer.ok || answer.status === 400) {
          // The server's own sanitised HTML (posts.mentions.render_text), or its refusal.
          panel.innerHTML = answer.text;
        } else {
          panel.textContent = "The preview could not be prepared (" + answer.status + ").";
        }
      })
      .catch(function () {
        panel.textContent = "The preview could not be prepared: check the connection.";
      })
      .finally(function () { panel.removeAttribute("aria-busy"); });
  }

  // --- Pasted pictures go to the form's picture drop zone (compose.js sends them) ----------

  function pictureZone(form) {
    const zone = form && form.querySelector("[data-drop-zone]");
    if (!zone || !zone.querySelector("input[type=file][accept*='image/']")) return null;
    return zone;
  }

  function pastePictures(textarea, status) {
    textarea.addEventListener("paste", function (event) {
      const data = event.clipboardData;
      const zone = pictureZone(textarea.form);
      if (!data || !zone) return;
      const pictures = Array.from(data.files || []).filter(function (file) {
        return file.type.startsWith("image/");
      });
      if (!pictures.length) return;
      event.preventDefault();
      const transfer = new DataTransfer();
      pictures.forEach(function (file) { transfer.items.add(file); });
      zone.dispatchEvent(new DragEvent("drop", {
        dataTransfer: transfer, bubbles: true, cancelable: true,
      }));
      status.textContent = pictures.length === 1
        ? "Pasted picture added to the pictures below."
        : pictures.length + " pasted pictures added to the pictures below.";
    });
  }

  // --- Putting it together -----------------------------------------------------------------

  function setUpEditor(marked) {
    const textarea = marked.matches("textarea") ? marked : marked.querySelector("textarea");
    const url = marked.dataset.editor;
    if (!textarea || textarea.dataset.editorReady) return;
    textarea.dataset.editorReady = "1";
    editors += 1;
    const id = "editor-" + editors;
    if (!textarea.id) textarea.id = id + "-text";
    const hadFocus = document.activeElement === textarea;

    const editor = document.createElement("div");
    editor.className = "editor";
    const head = document.createElement("div");
    head.className = "editor-head";

    const tabs = document.createElement("div");
    tabs.className = "editor-tabs";
    tabs.setAttribute("role", "tablist");
    tabs.setAttribute("aria-label", "Write or preview");
    const writeTab = document.createElement("button");
    const previewTab = document.createElement("button");
    [[writeTab, "write", "Write"], [previewTab, "preview", "Preview"]].forEach(function (tab) {
      tab[0].type = "button";
      tab[0].id = id + "-" + tab[1] + "-tab";
      tab[0].setAttribute("role", "tab");
      tab[0].setAttribute("aria-controls", id + "-" + tab[1]);
      tab[0].textContent = tab[2];
      tabs.append(tab[0]);
    });

    const toolbar = document.createElement("div");
    toolbar.className = "editor-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    toolbar.setAttribute("aria-controls", textarea.id);
    ACTIONS.forEach(function (action) { toolbar.append(makeButton(action)); });
    head.append(tabs, toolbar);
    let current = toolbar.querySelector("button"); // the toolbar's button Alt+F10 goes to

    const writePanel = document.createElement("div");
    writePanel.id = id + "-write";
    writePanel.className = "editor-write";
    writePanel.setAttribute("role", "tabpanel");
    writePanel.setAttribute("aria-labelledby", writeTab.id);
    const previewPanel = document.createElement("div");
    previewPanel.id = id + "-preview";
    previewPanel.className = "editor-preview";
    previewPanel.setAttribute("role", "tabpanel");
    previewPanel.setAttribute("aria-labelledby", previewTab.id);
    previewPanel.tabIndex = 0;
    previewPanel.hidden = true;
    // The tabs and the toolbar add no stop to the form's Tab order (Title, Text, Post stays
    // three keys): Alt+F10 in the text goes to the toolbar, as in other editors, and from
    // there Tab and Shift+Tab reach the tabs; Escape goes back to the text.
    const hint = document.createElement("p");
    hint.id = id + "-hint";
    hint.className = "editor-hint muted";
    hint.textContent = "Alt+F10: formatting and preview. " + MOD + "B bold, " + MOD +
      "I italic, " + MOD + "K link.";
    const described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");

    // The text area (with compose.js's mention list and its words, when already there) moves
    // into the Write panel; its label, help and errors stay where the form put them.
    textarea.insertAdjacentElement("beforebegin", editor);
    const followers = [];
    const list = textarea.nextElementSibling;
    if (list && list.classList.contains("mention-list")) {
      followers.push(list);
      const words = list.nextElementSibling;
      if (words && words.matches("p.visually-hidden[aria-live]")) followers.push(words);
    }
    writePanel.append(textarea);
    followers.forEach(function (element) { writePanel.append(element); });
    const picker = makePicker(id, textarea, toolbar.querySelector(".editor-emoji"));
    editor.append(head, picker.element, writePanel, previewPanel, hint, status);

    function reachable(on) {
      [writeTab, previewTab].forEach(function (tab) {
        tab.tabIndex = on && tab.getAttribute("aria-selected") === "true" ? 0 : -1;
      });
      toolbar.querySelectorAll("button").forEach(function (button) {
        button.tabIndex = on && button === current ? 0 : -1;
      });
    }
    head.addEventListener("focusin", function () { reachable(true); });
    head.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !head.contains(event.relatedTarget)) reachable(false);
    });
    head.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      event.preventDefault();
      if (writePanel.hidden) select(writeTab);
      textarea.focus();
    });
    if (hadFocus) textarea.focus();

    function select(tab) {
      const preview = tab === previewTab;
      writeTab.setAttribute("aria-selected", preview ? "false" : "true");
      previewTab.setAttribute("aria-selected", preview ? "true" : "false");
      reachable(head.contains(document.activeElement));
      writePanel.hidden = preview;
      previewPanel.hidden = !preview;
      editor.classList.toggle("is-previewing", preview);
      if (preview) {
        picker.close(false);
        showPreview(url, textarea, previewPanel);
      }
    }
    select(writeTab);
    writeTab.addEventListener("click", function () { select(writeTab); });
    previewTab.addEventListener("click", function () { select(previewTab); });
    rove(tabs, function () { return [writeTab, previewTab]; }, ["ArrowLeft", "ArrowRight"]);
    tabs.addEventListener("editor:roved", function (event) { select(event.detail); });
    // A required text area hidden behind Preview would block the form without saying why.
    textarea.addEventListener("invalid", function () {
      if (writePanel.hidden) select(writeTab);
    });

    function updatePressed() {
      ACTIONS.forEach(function (action) {
        if (!action.pressed) return;
        const button = toolbar.querySelector(".editor-" + action.name);
        const on = isWrapped(textarea, action.pressed[0], action.pressed[1]);
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }

    function run(action) {
      if (writePanel.hidden) select(writeTab);
      if (action.popup) {
        if (picker.isOpen()) picker.close(true);
        else picker.open();
        return;
      }
      action.run(textarea);
      updatePressed();
    }

    toolbar.addEventListener("click", function (event) {
      const button = event.target.closest("button");
      if (!button) return;
      const action = ACTIONS.find(function (item) { return item.name === button.dataset.action; });
      current = button;
      if (action) run(action);
    });
    rove(toolbar, function () {
      return Array.from(toolbar.querySelectorAll("button"));
    }, ["ArrowLeft", "ArrowRight"]);
    toolbar.addEventListener("editor:roved", function (event) { current = event.detail; });

    textarea.addEventListener("keydown", function (event) {
      if (event.key === "F10" && event.altKey) {
        event.preventDefault();
        reachable(true);
        current.focus();
        return;
      }
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const action = ACTIONS.find(function (item) {
        return item.key && item.key === event.key.toLowerCase();
      });
      if (!action) return;
      event.preventDefault();
      run(action);
    });
    ["keyup", "mouseup", "select", "input", "focus"].forEach(function (name) {
      textarea.addEventListener(name, updatePressed);
    });
    pastePictures(textarea, status);
  }

  function setUp(root) {
    if (!(root instanceof Element || root instanceof Document)) return;
    if (root instanceof Element && root.matches("[data-editor]")) setUpEditor(root);
    root.querySelectorAll("[data-editor]").forEach(setUpEditor);
  }

  // A feed card's one-line reply box becomes the comment editor when it is first focused
  // (after compose.js has given it its mention list, which moves into the editor with it).
  document.addEventListener("focusin", function (event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.expandsEditor) return;
    textarea.dataset.editor = textarea.dataset.expandsEditor;
    delete textarea.dataset.expandsEditor;
    textarea.closest("form").classList.add("is-expanded");
    setUpEditor(textarea);
  });

  setUp(document);
  // A composer, reply or comment form that htmx brings in gets its editor too.
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
})();
