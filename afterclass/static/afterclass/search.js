// The header search box as a WAI-ARIA combobox with a listbox popup (the APG pattern).
//
// htmx fills #search-quick-results (role="listbox") with suggestions grouped by kind and a
// "see all results" option. Focus stays in the box: ArrowDown/ArrowUp move the active option
// (aria-activedescendant), Enter opens it (or, with none active, submits the search page),
// Escape closes the list (and clears the box when it is already closed), leaving the box closes
// it. Without JavaScript the box is a plain search form.
(function () {
  "use strict";

  var input = document.getElementById("site-search-q");
  var listbox = document.getElementById("search-quick-results");
  if (!input || !listbox) {
    return;
  }
  var active = -1;

  function options() {
    return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]'));
  }

  function isOpen() {
    return input.getAttribute("aria-expanded") === "true";
  }

  function setActive(index) {
    var all = options();
    all.forEach(function (option, at) {
      var on = at === index;
      option.classList.toggle("active", on);
      option.setAttribute("aria-selected", on ? "true" : "false");
    });
    active = index;
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open() {
    if (!options().length) {
      return;
    }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    setActive(-1);
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function go(option) {
    if (!option) {
      return;
    }
    close();
    if (option.hasAttribute("data-submit")) {
      input.form.requestSubmit(); // "see all results": the results page for what is typed
    } else if (option.getAttribute("data-href")) {
      window.location.assign(option.getAttribute("data-href"));
    }
  }

  input.addEventListener("keydown", function (event) {
    var count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!count) {
        return;
      }
      event.preventDefault();
      if (!isOpen()) {
        open();
        setActive(event.key === "ArrowDown" ? 0 : count - 1);
        return;
      }
      var step = event.key === "ArrowDown" ? 1 : -1;
      if (active < 0) {
        setActive(step > 0 ? 0 : count - 1);
      } else {
        setActive((active + step + count) % count); // wraps round, as the APG example
      }
    } else if (event.key === "Enter") {
      if (isOpen() && active >= 0) {
        event.preventDefault();
        go(options()[active]);
      }
    } else if (event.key === "Escape") {
      if (isOpen()) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
      }
    }
  });

  // The box emptied: no request, no list.
  input.addEventListener("htmx:beforeRequest", function (event) {
    if (!input.value.trim()) {
      event.preventDefault();
      listbox.innerHTML = "";
      close();
    }
  });

  listbox.addEventListener("htmx:afterSwap", function () {
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (options().length && document.activeElement === input) {
      open();
    } else {
      close();
    }
  });

  input.addEventListener("focus", function () {
    if (input.value.trim()) {
      open();
    }
  });
  input.addEventListener("blur", function () {
    close();
  });

  // A pointer on the list must not take focus away from the box (which would close it).
  listbox.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  listbox.addEventListener("click", function (event) {
    go(event.target.closest('[role="option"]'));
  });
})();
