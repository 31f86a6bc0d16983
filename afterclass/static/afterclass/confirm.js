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
})();
