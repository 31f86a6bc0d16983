// Pictures seen large: a picture of a post ([data-lightbox-picture], a link to its full-size file
// inside a [data-lightbox-group]) opens in a modal <dialog> instead of leaving the page. Escape
// or "Close" closes it and focus goes back to the picture that opened it; the arrow keys and
// "Previous"/"Next" move through the post's pictures; "Picture 2 of 3" names the dialog and is
// said when it changes; the picture's alt text is its caption. Nothing is fetched but the file
// the link already points to (the server checks, as for the link, that the viewer may see it).
// Without JavaScript, or without <dialog>, the link opens the file itself.
(function () {
  "use strict";

  if (typeof HTMLDialogElement !== "function") {
    return;
  }
  var dialog = null;
  var pictures = [];
  var index = 0;
  var opener = null;

  function el(tag, attributes, text) {
    var made = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      made.setAttribute(name, attributes[name]);
    });
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  function build() {
    dialog = el("dialog", {
      class: "lightbox",
      "aria-labelledby": "lightbox-count",
      "aria-describedby": "lightbox-caption",
    });
    var bar = el("div", { class: "lightbox-bar" });
    bar.appendChild(el("p", { id: "lightbox-count", class: "lightbox-count", "aria-live": "polite" }));
    bar.appendChild(el("button", { type: "button", class: "secondary", "data-lightbox-close": "" }, "Close"));
    var figure = el("figure", { class: "lightbox-figure" });
    figure.appendChild(el("img", { alt: "" }));
    figure.appendChild(el("figcaption", { id: "lightbox-caption" }));
    var nav = el("div", { class: "lightbox-nav" });
    nav.appendChild(el("button", { type: "button", class: "secondary", "data-lightbox-previous": "" }, "Previous"));
    nav.appendChild(el("button", { type: "button", class: "secondary", "data-lightbox-next": "" }, "Next"));
    dialog.appendChild(bar);
    dialog.appendChild(figure);
    dialog.appendChild(nav);
    document.body.appendChild(dialog);

    dialog.addEventListener("click", function (event) {
      var target = event.target;
      if (target.closest("[data-lightbox-close]")) {
        dialog.close();
      } else if (target.closest("[data-lightbox-previous]")) {
        show(index - 1);
      } else if (target.closest("[data-lightbox-next]")) {
        show(index + 1);
      } else if (target === dialog) {
        dialog.close(); // a click on the backdrop
      }
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      var moves = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: pictures.length - 1 };
      if (Object.prototype.hasOwnProperty.call(moves, event.key) && pictures.length > 1) {
        event.preventDefault();
        show(moves[event.key]);
      }
    });
    dialog.addEventListener("close", function () {
      var back = opener;
      opener = null;
      dialog.querySelector("img").removeAttribute("src");
      // The card may have been redrawn meanwhile (a live update): its picture is found again
      // by its address, so focus never falls back to the top of the page.
      if (back && !back.isConnected) {
        back = findLink(back.getAttribute("href"));
      }
      if (back) {
        back.focus();
      }
    });
  }

  function findLink(href) {
    var links = document.querySelectorAll("a[data-lightbox-picture]");
    for (var i = 0; i < links.length; i += 1) {
      if (links[i].getAttribute("href") === href) {
        return links[i];
      }
    }
    return null;
  }

  function show(wanted) {
    var count = pictures.length;
    // Moving past the last picture comes back to the first: no button is ever disabled under
    // the keyboard's focus.
    index = ((wanted % count) + count) % count;
    var link = pictures[index];
    var thumb = link.querySelector("img");
    var image = dialog.querySelector("img");
    var alt = thumb ? thumb.getAttribute("alt") || "" : "";
    image.removeAttribute("width");
    image.removeAttribute("height");
    if (thumb && thumb.getAttribute("width")) {
      image.setAttribute("width", thumb.getAttribute("width"));
      image.setAttribute("height", thumb.getAttribute("height"));
    }
    image.setAttribute("alt", alt);
    image.setAttribute("src", link.getAttribute("href"));
    var caption = dialog.querySelector("figcaption");
    caption.textContent = alt;
    caption.hidden = !alt;
    dialog.querySelector("#lightbox-count").textContent = "Picture " + (index + 1) + " of " + count;
    dialog.querySelector(".lightbox-nav").hidden = count < 2;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey || event.altKey) {
      return; // a new tab or window: the file itself, as the link says
    }
    var link = event.target.closest && event.target.closest("a[data-lightbox-picture]");
    if (!link) {
      return;
    }
    var group = link.closest("[data-lightbox-group]");
    event.preventDefault();
    if (!dialog) {
      build();
    }
    pictures = Array.prototype.slice.call(
      (group || link).querySelectorAll("a[data-lightbox-picture]")
    );
    if (!group) {
      pictures = [link];
    }
    opener = link;
    show(pictures.indexOf(link));
    dialog.showModal();
    dialog.querySelector("[data-lightbox-close]").focus();
  });

  // A screen reader hears that the picture opens a dialog, on the page as loaded and on any
  // card htmx brings later.
  function mark(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a[data-lightbox-picture]") : [];
    Array.prototype.forEach.call(links, function (link) {
      link.setAttribute("aria-haspopup", "dialog");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    mark(document);
  });
  document.addEventListener("htmx:load", function (event) {
    mark(event.target);
  });
})();
