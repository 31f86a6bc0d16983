// Asking before a step that is hard to take back: a form with data-confirm="<question>" (and
// data-confirm-detail, data-confirm-button) opens a modal <dialog> when sent. "Cancel", Escape
// or closing it sends nothing and puts focus back on the button that was pressed; confirming
// sends the form with confirmed=yes. Without JavaScript the server shows a confirm page instead
// (afterclass.core.confirm).
(function () {
  "use strict";

  if (typeof HTMLDialogElement !== "function") {
    return; // the server's confirm page asks instead
  }
  var dialog = null;
  var pending = null;
  var opener = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-detail");
    dialog.innerHTML =
      '<form method="dialog">' +
      '<h2 id="confirm-dialog-title"></h2>' +
      '<p id="confirm-dialog-detail"></p>' +
      '<div class="actions">' +
      '<button type="submit" value="yes" class="danger" data-confirm-yes></button>' +
      '<button type="submit" value="no" class="secondary" autofocus>Cancel</button>' +
      "</div></form>";
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      var form = pending;
      pending = null;
      if (dialog.returnValue === "yes" && form) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirmed";
        field.value = "yes";
        form.appendChild(field);
        form.submit();
      } else if (opener && opener.isConnected) {
        opener.focus();
      }
    });
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-confirm]")) {
        return;
      }
      if (form.querySelector('input[name="confirmed"]')) {
        return;
      }
      event.preventDefault();
      if (!dialog) {
        build();
      }
      pending = form;
      opener = event.submitter || document.activeElement;
      dialog.returnValue = "";
      dialog.querySelector("#confirm-dialog-title").textContent = form.getAttribute("data-confirm");
      dialog.querySelector("#confirm-dialog-detail").textContent =
        form.getAttribute("data-confirm-detail") || "";
      dialog.querySelector("[data-confirm-yes]").textContent =
        form.getAttribute("data-confirm-button") || "Yes";
      dialog.showModal();
    },
    true
  );

  // A dialog that holds its own form (the reason for revealing an asker): a button with
  // data-opens-dialog="<id>" opens it instead of going to the page its form leads to (the
  // page without JavaScript). A [data-close-dialog] button or Escape closes it and focus goes
  // back to that button; an answer carrying "afterclass-dialog-done" closes it once its result
  // is in the page, which then takes focus (focus.js).
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) {
      return;
    }
    var opens = target.closest("[data-opens-dialog]");
    if (opens) {
      var found = document.getElementById(opens.getAttribute("data-opens-dialog"));
      if (found && found.tagName === "DIALOG") {
        event.preventDefault();
        found.afterclassOpener = opens;
        found.afterclassDone = false;
        found.showModal();
      }
      return;
    }
    var closes = target.closest("[data-close-dialog]");
    if (closes && closes.closest("dialog")) {
      closes.closest("dialog").close();
    }
  });

  document.addEventListener(
    "close",
    function (event) {
      var closed = event.target;
      if (!closed.afterclassOpener || closed.afterclassDone) {
        return;
      }
      if (closed.afterclassOpener.isConnected) {
        closed.afterclassOpener.focus();
      }
    },
    true
  );

  document.addEventListener("afterclass-dialog-done", function () {
    document.querySelectorAll("dialog[open]").forEach(function (open) {
      open.afterclassDone = true;
      open.close();
    });
  });
})();
