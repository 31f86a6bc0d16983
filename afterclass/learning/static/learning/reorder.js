/* Drag and drop for facilitators: put units, or a unit's activities, in a new order.
 *
 * A list that can be reordered carries `data-reorder-url`; its items carry `data-reorder-id`
 * and `draggable`. When an item is dropped in a new place, the whole new order of its list is
 * sent (POST `order` = each id, in order); if the server refuses it, the list goes back as it
 * was and the reason is shown. The move up/down buttons stay: they work with the keyboard and
 * without JavaScript.
 */
(function () {
  "use strict";

  let dragged = null;
  let before = [];

  function itemsOf(list) {
    return Array.from(list.children).filter((element) => element.dataset.reorderId);
  }

  function idsOf(list) {
    return itemsOf(list).map((element) => element.dataset.reorderId);
  }

  function csrfToken() {
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) {
        return headers["X-CSRFToken"];
      }
    } catch (error) {
      // Fall through to a form's token.
    }
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text) {
    const status = document.querySelector("[data-reorder-status]");
    if (status) {
      status.textContent = text;
    }
  }

  // The item of `list` that holds `element` (an item of a list nested in it counts as its own).
  function itemIn(list, element) {
    let item = element && element.closest ? element.closest("[data-reorder-id]") : null;
    while (item && item.parentElement !== list) {
      item = item.parentElement ? item.parentElement.closest("[data-reorder-id]") : null;
    }
    return item;
  }

  // First and last items cannot move further: keep the move buttons saying so.
  function updateButtons(list) {
    const items = itemsOf(list);
    items.forEach((item, index) => {
      item.querySelectorAll("button[name=direction]").forEach((button) => {
        if (button.closest("[data-reorder-id]") !== item) {
          return;
        }
        button.disabled = button.value === "up" ? index === 0 : index === items.length - 1;
      });
    });
  }

  function putBack(list, ids) {
    // Items come after anything else in the list (a hint, a status line): append them in order.
    const byId = new Map(itemsOf(list).map((element) => [element.dataset.reorderId, element]));
    ids.forEach((id) => {
      const element = byId.get(id);
      if (element) {
        list.appendChild(element);
      }
    });
    updateButtons(list);
  }

  function save(list, order, previous) {
    const body = new URLSearchParams();
    order.forEach((id) => body.append("order", id));
    list.setAttribute("aria-busy", "true");
    say("Saving the new order…");
    fetch(list.dataset.reorderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: body,
    })
      .then((response) =>
        response
          .json()
          .catch(() => ({}))
          .then((data) => {
            if (!response.ok) {
              throw new Error(data.error || "The new order could not be saved.");
            }
            return data;
          }),
      )
      .then(() => {
        updateButtons(list);
        say("New order saved.");
      })
      .catch((error) => {
        putBack(list, previous);
        say(error.message || "The new order could not be saved.");
      })
      .finally(() => list.removeAttribute("aria-busy"));
  }

  document.addEventListener("dragstart", (event) => {
    const item = event.target.closest ? event.target.closest("[data-reorder-id]") : null;
    if (!item || !item.parentElement || !item.parentElement.dataset.reorderUrl) {
      return;
    }
    dragged = item;
    before = idsOf(item.parentElement);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.reorderId);
    item.classList.add("is-dragged");
  });

  document.addEventListener("dragover", (event) => {
    if (!dragged) {
      return;
    }
    const list = dragged.parentElement;
    const target = itemIn(list, event.target);
    if (!target) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (target === dragged) {
      return;
    }
    const box = target.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? target.nextSibling : target);
  });

  document.addEventListener("drop", (event) => {
    if (dragged) {
      event.preventDefault();
    }
  });

  document.addEventListener("dragend", () => {
    if (!dragged) {
      return;
    }
    const item = dragged;
    const list = item.parentElement;
    dragged = null;
    item.classList.remove("is-dragged");
    const order = idsOf(list);
    if (order.join(",") !== before.join(",")) {
      save(list, order, before);
    }
  });

  function start() {
    document.querySelectorAll("[data-reorder-hint]").forEach((hint) => {
      hint.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
