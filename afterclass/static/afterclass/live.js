// Live updates (afterclass.live): one websocket per open page of a signed-in person.
//
// <body data-live-socket="/ws/live/"> turns it on. Every element with data-live-topic
// ("space:<slug>" for a space feed, "post:<id>" for a post's comments) is followed; its
// data-live-fragment (or the URL derived from the topic) is where what is new is fetched from,
// as ordinary HTML through the viewer's own permissions: events carry types and ids only.
// A lost connection comes back by itself (waiting longer after each failure) and catches up by
// asking for everything newer than the newest item the page shows.
(function () {
  "use strict";

  var body = document.body;
  var socketPath = body && body.getAttribute("data-live-socket");
  if (!socketPath || !("WebSocket" in window) || !("fetch" in window)) {
    return;
  }

  var FIRST_WAIT_MS = 1000;
  var LONGEST_WAIT_MS = 30000;
  var BUSY_RETRY_MS = 300;
  var ITEM_ID = { space: /^post-(\d+)$/, post: /^comment-(\d+)$/ };

  var socket = null;
  var failures = 0;
  var opened = false;
  var leaving = false;
  var refused = {};
  var fetching = new Map(); // element -> true while a fetch runs, "again" if asked meanwhile
  var pendingPosts = new Map(); // feed element -> Map(id -> <li>) waiting for "show"

  function topicKind(topic) {
    return topic.split(":")[0];
  }

  function followed() {
    return Array.prototype.filter.call(
      document.querySelectorAll("[data-live-topic]"),
      function (el) {
        var topic = el.getAttribute("data-live-topic");
        return ITEM_ID[topicKind(topic)] && !refused[topic];
      }
    );
  }

  function elementsFor(topic) {
    return followed().filter(function (el) {
      return el.getAttribute("data-live-topic") === topic;
    });
  }

  function fragmentUrl(el) {
    var given = el.getAttribute("data-live-fragment");
    if (given) {
      return given;
    }
    var topic = el.getAttribute("data-live-topic");
    var key = encodeURIComponent(topic.slice(topic.indexOf(":") + 1));
    return topicKind(topic) === "space" ? "/live/spaces/" + key + "/posts/" : "/live/posts/" + key + "/comments/";
  }

  // The newest item the page shows (or holds back behind the "show" button): ids only grow.
  function newestId(el) {
    var pattern = ITEM_ID[topicKind(el.getAttribute("data-live-topic"))];
    var newest = 0;
    el.querySelectorAll("[id]").forEach(function (item) {
      var match = pattern.exec(item.id);
      if (match) {
        newest = Math.max(newest, parseInt(match[1], 10));
      }
    });
    var waiting = pendingPosts.get(el);
    if (waiting) {
      waiting.forEach(function (_, id) {
        newest = Math.max(newest, id);
      });
    }
    return newest;
  }

  function idOf(template) {
    var match = /-(\d+)$/.exec(template.getAttribute("data-live-id") || "");
    return match ? parseInt(match[1], 10) : 0;
  }

  function exists(id) {
    return document.querySelector('[id="' + id + '"]') !== null;
  }

  function activate(node) {
    node.setAttribute("data-live-inserted", "");
    if (window.htmx) {
      window.htmx.process(node);
    }
  }

  function showNews(el, more) {
    var waiting = pendingPosts.get(el);
    var news = el.querySelector("#post-list-news");
    if (!news) {
      return;
    }
    var button = news.querySelector("button");
    var count = waiting ? waiting.size : 0;
    if (more) {
      button.textContent = "More new posts: reload to see them";
      button.setAttribute("data-live-reload", "");
    } else {
      button.textContent =
        (count === 1 ? "1 new post" : count + " new posts") + " \u2014 show";
    }
    news.hidden = count === 0 && !more;
  }

  function showWaitingPosts(el) {
    var list = el.querySelector("#post-list");
    var waiting = pendingPosts.get(el);
    if (!list || !waiting) {
      return;
    }
    var ids = Array.from(waiting.keys()).sort(function (a, b) {
      return a - b;
    });
    ids.forEach(function (id) {
      var item = waiting.get(id);
      if (!exists(item.id)) {
        list.insertBefore(item, list.firstElementChild);
        activate(item);
      }
    });
    waiting.clear();
    list.hidden = false;
    var empty = el.querySelector(".empty");
    if (empty) {
      empty.remove();
    }
    showNews(el, false);
    if (ids.length) {
      var first = document.getElementById("post-" + ids[ids.length - 1]);
      if (first) {
        var link = first.querySelector("a");
        (link || first).focus();
      }
    }
  }

  function takeFeedPosts(el, fragment) {
    var waiting = pendingPosts.get(el) || new Map();
    pendingPosts.set(el, waiting);
    fragment.querySelectorAll("template[data-live-into]").forEach(function (template) {
      var item = template.content.firstElementChild;
      if (item && !exists(item.id)) {
        waiting.set(idOf(template), item);
      }
    });
    showNews(el, fragment.querySelector("template[data-live-more]") !== null);
  }

  function placeComments(el, fragment) {
    fragment.querySelectorAll("template[data-live-into]").forEach(function (template) {
      var item = template.content.firstElementChild;
      var into = document.getElementById(template.getAttribute("data-live-into"));
      if (!item || !into || exists(item.id)) {
        return;
      }
      // With more comments still to load, a new one belongs after them: "More" brings it.
      if (into.id === "comment-list" && into.querySelector(":scope > li.more")) {
        return;
      }
      into.appendChild(item);
      activate(item);
    });
    fragment.querySelectorAll("template[data-live-replace]").forEach(function (template) {
      var old = document.getElementById(template.getAttribute("data-live-replace"));
      var fresh = template.content.firstElementChild;
      if (old && fresh) {
        old.replaceWith(fresh);
        activate(fresh);
      }
    });
  }

  function fetchNew(el) {
    if (fetching.get(el)) {
      fetching.set(el, "again");
      return;
    }
    // The person's own comment is on its way in through htmx: let it land first.
    if (el.querySelector(".htmx-request")) {
      window.setTimeout(function () {
        fetchNew(el);
      }, BUSY_RETRY_MS);
      return;
    }
    fetching.set(el, true);
    var url = new URL(fragmentUrl(el), window.location.href);
    url.searchParams.set("after", String(newestId(el)));
    var here = new URLSearchParams(window.location.search);
    ["kind", "unanswered"].forEach(function (name) {
      if (topicKind(el.getAttribute("data-live-topic")) === "space" && here.get(name)) {
        url.searchParams.set(name, here.get(name));
      }
    });
    window
      .fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status !== 200) {
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var holder = document.createElement("template");
        holder.innerHTML = html;
        if (topicKind(el.getAttribute("data-live-topic")) === "space") {
          takeFeedPosts(el, holder.content);
        } else {
          placeComments(el, holder.content);
        }
      })
      .catch(function () {
        // Offline for a moment: the next event or reconnection catches up.
      })
      .finally(function () {
        var again = fetching.get(el) === "again";
        fetching.delete(el);
        if (again) {
          fetchNew(el);
        }
      });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }

  function subscribeAll() {
    var seen = {};
    followed().forEach(function (el) {
      var topic = el.getAttribute("data-live-topic");
      if (!seen[topic]) {
        seen[topic] = true;
        send({ subscribe: topic });
      }
      fetchNew(el); // anything written while the page loaded or the connection was down
    });
  }

  function ringBell() {
    if (window.htmx) {
      window.htmx.trigger(document.body, "bell-changed");
    } else {
      document.body.dispatchEvent(new CustomEvent("bell-changed", { bubbles: true }));
    }
  }

  function onMessage(message) {
    var event;
    try {
      event = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    if (event.type === "bell") {
      ringBell();
    } else if (event.type === "post.created") {
      elementsFor("space:" + event.space).forEach(fetchNew);
    } else if (event.type === "comment.created") {
      elementsFor("post:" + event.post).forEach(fetchNew);
    } else if (event.type === "refused" && event.topic) {
      refused[event.topic] = true;
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + socketPath);
    socket.addEventListener("open", function () {
      var again = opened;
      opened = true;
      failures = 0;
      body.setAttribute("data-live-state", "open");
      subscribeAll();
      if (again) {
        ringBell(); // notifications may have come while the connection was down
      }
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function () {
      body.setAttribute("data-live-state", "closed");
      socket = null;
      if (leaving) {
        return;
      }
      var wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * Math.pow(2, failures));
      failures += 1;
      window.setTimeout(connect, wait / 2 + Math.random() * (wait / 2));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-live-show]");
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-live-reload")) {
      window.location.reload();
      return;
    }
    var el = button.closest("[data-live-topic]");
    if (el) {
      showWaitingPosts(el);
    }
  });

  // The person's own comment may reach the page both ways (live and htmx's answer): keep one.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-live-inserted][id]").forEach(function (node) {
      if (document.querySelectorAll('[id="' + node.id + '"]').length > 1) {
        node.remove();
      }
    });
  });

  window.addEventListener("pagehide", function () {
    leaving = true;
    if (socket) {
      socket.close();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) {
      leaving = false; // back from the browser's cache: connect again
      connect();
    }
  });

  connect();
})();
