/* The agent console in the browser: live queue counts, countdowns, keyboard shortcuts.
 *
 * Loaded from a file on every console page (the Content-Security-Policy allows no inline
 * script). Everything it needs comes from data attributes on #console, rendered and translated
 * by the server.
 *
 * Live updates: a websocket (/ws/console/) carries signals only — "case 12 changed" — never case
 * data. On a signal the page re-fetches its queue counts over HTTP (/console/counts, filtered by
 * what the agent may see), updates the tabs, and shows a "new activity — reload" notice. The
 * queue page itself is sent without fresh counts (counting is its dearest part), so they are
 * fetched once as soon as the page has loaded, too. The
 * socket reconnects with a growing, jittered delay; it gives up only when the server says the
 * user may not listen (close code 4403).
 */
(function () {
  "use strict";

  var root = document.getElementById("console");
  if (!root) {
    return;
  }
  var data = root.dataset;

  // --- countdowns: the same words as the server (amends/console/countdown.py) ----------------

  var MINUTE = 60;
  var HOUR = 3600;
  var DAY = 86400;
  var SOON_MS = 4 * HOUR * 1000;

  function fill(pattern, value) {
    return String(pattern || "{0}").split("{0}").join(String(value));
  }

  function duration(seconds) {
    var days = Math.floor(seconds / DAY);
    var hours = Math.floor((seconds % DAY) / HOUR);
    var minutes = Math.floor((seconds % HOUR) / MINUTE);
    var parts;
    if (days) {
      parts = [fill(data.countdownD, days)];
      if (hours) {
        parts.push(fill(data.countdownH, hours));
      }
    } else if (hours) {
      parts = [fill(data.countdownH, hours)];
      if (minutes) {
        parts.push(fill(data.countdownMin, minutes));
      }
    } else {
      parts = [fill(data.countdownMin, minutes)];
    }
    return parts.join(" ");
  }

  function countdownText(dueMs, nowMs) {
    var seconds = Math.trunc((dueMs - nowMs) / 1000);
    if (Math.abs(seconds) < MINUTE) {
      return data.countdownNow;
    }
    if (seconds > 0) {
      return fill(data.countdownFuture, duration(seconds));
    }
    return fill(data.countdownPast, duration(-seconds));
  }

  function countdownState(dueMs, nowMs) {
    if (dueMs <= nowMs) {
      return "overdue";
    }
    return dueMs - nowMs <= SOON_MS ? "soon" : "later";
  }

  function refreshCountdowns(nowMs) {
    var now = typeof nowMs === "number" ? nowMs : Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) {
        return;
      }
      var text = countdownText(due, now);
      if (el.textContent !== text) {
        el.textContent = text;
      }
      el.classList.remove("countdown-overdue", "countdown-soon", "countdown-later");
      el.classList.add("countdown-" + countdownState(due, now));
    });
  }

  setInterval(refreshCountdowns, 60 * 1000);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      refreshCountdowns();
    }
  });

  // --- the live region: what changed, said once, not on every signal ------------------------

  var live = document.getElementById("console-live");
  var ANNOUNCE_GAP_MS = 8000;
  var lastAnnounced = 0;
  var announceTimer = null;
  var changedSince = {};

  function say(text) {
    if (!live || !text) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  function announceCounts() {
    announceTimer = null;
    lastAnnounced = Date.now();
    var parts = [];
    root.querySelectorAll("[data-count-for]").forEach(function (el) {
      if (changedSince[el.dataset.countFor]) {
        parts.push((el.dataset.label || el.dataset.countFor) + " " + el.textContent.trim());
      }
    });
    changedSince = {};
    if (parts.length) {
      say((data.countsChanged || "") + " " + parts.join(", "));
    }
  }

  function scheduleAnnouncement() {
    if (announceTimer) {
      return;
    }
    var wait = Math.max(0, lastAnnounced + ANNOUNCE_GAP_MS - Date.now());
    announceTimer = window.setTimeout(announceCounts, Math.max(wait, 600));
  }

  // --- queue counts, re-fetched over HTTP on a signal -------------------------------------------

  var countsTimer = null;

  // quiet: the first counts after the page loaded (the page is sent without counts, or with
  // those of a moment ago); they fill the tabs without being announced as a change.
  function applyCounts(counts, quiet) {
    var changed = false;
    root.querySelectorAll("[data-count-for]").forEach(function (el) {
      var key = el.dataset.countFor;
      if (!Object.prototype.hasOwnProperty.call(counts, key)) {
        return;
      }
      var value = String(counts[key]);
      el.removeAttribute("aria-busy");
      if (el.textContent.trim() !== value) {
        el.textContent = value;
        if (!quiet) {
          el.classList.add("changed");
          changedSince[key] = true;
          changed = true;
        }
      }
    });
    if (changed) {
      scheduleAnnouncement();
    }
  }

  function fetchCounts(quiet) {
    countsTimer = null;
    if (!data.countsUrl || !root.querySelector("[data-count-for]")) {
      return;
    }
    fetch(data.countsUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && body.counts) {
          applyCounts(body.counts, quiet === true);
        }
      })
      .catch(function () {
        /* offline for a moment: the next signal or reconnect fetches again */
      });
  }

  function scheduleCounts() {
    if (countsTimer) {
      window.clearTimeout(countsTimer);
    }
    countsTimer = window.setTimeout(fetchCounts, 250);
  }

  function showNotice(kind) {
    var notice = root.querySelector('[data-live-notice="' + kind + '"]');
    if (!notice || !notice.hidden) {
      return;
    }
    notice.hidden = false;
    var text = notice.querySelector("[data-notice-text]");
    say(text ? text.textContent : "");
  }

  function onSignal(message) {
    if (!message || typeof message !== "object") {
      return;
    }
    if (message.type === "hello") {
      root.dataset.live = "ready";
      return;
    }
    if (message.type !== "changed") {
      return;
    }
    scheduleCounts();
    if (message.mine) {
      return; // the agent's own change: the page they are on already shows it after the post
    }
    var caseId = data.caseId ? parseInt(data.caseId, 10) : null;
    if (caseId !== null) {
      if (message.case === caseId) {
        showNotice("case");
      }
    } else {
      showNotice("queue");
    }
  }

  // --- the websocket ------------------------------------------------------------------------

  var socket = null;
  var attempts = 0;
  var stopped = false;
  var retryTimer = null;
  var CLOSE_FORBIDDEN = 4403;

  function connect() {
    retryTimer = null;
    if (stopped || socket || !("WebSocket" in window) || !data.wsPath) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + data.wsPath);
    } catch (error) {
      socket = null;
      retry();
      return;
    }
    root.dataset.live = "connecting";
    socket.addEventListener("message", function (event) {
      var message = null;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message && message.type === "hello") {
        if (attempts > 0) {
          scheduleCounts(); // signals may have been missed while disconnected
        }
        attempts = 0;
      }
      onSignal(message);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      root.dataset.live = event.code === CLOSE_FORBIDDEN ? "refused" : "closed";
      if (event.code !== CLOSE_FORBIDDEN && !stopped) {
        retry();
      }
    });
  }

  function retry() {
    if (retryTimer || stopped) {
      return;
    }
    attempts += 1;
    var ceiling = Math.min(30000, 1000 * Math.pow(2, Math.min(attempts - 1, 5)));
    var delay = ceiling / 2 + Math.random() * (ceiling / 2);
    retryTimer = window.setTimeout(connect, delay);
  }

  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) {
      socket.close(1000);
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      stopped = false;
      scheduleCounts();
      connect();
    }
  });

  fetchCounts(true); // the queue page is rendered without counting (console/counts.py)
  connect();

  // --- keyboard shortcuts -------------------------------------------------------------------

  var dialog = document.getElementById("console-shortcuts");
  var opener = null;

  function focusables(container) {
    return Array.prototype.filter.call(
      container.querySelectorAll(
        'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), ' +
          'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'
      ),
      function (el) {
        return el.offsetParent !== null || el === document.activeElement;
      }
    );
  }

  function openDialog() {
    if (!dialog || dialog.open) {
      return;
    }
    opener = document.activeElement;
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    var close = dialog.querySelector("[data-shortcuts-close]");
    if (close) {
      close.focus();
    }
  }

  function closeDialog() {
    if (!dialog || !dialog.open) {
      return;
    }
    if (typeof dialog.close === "function") {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
      restoreFocus();
    }
  }

  function restoreFocus() {
    if (opener && typeof opener.focus === "function" && document.contains(opener)) {
      opener.focus();
    }
    opener = null;
  }

  if (dialog) {
    dialog.addEventListener("close", restoreFocus);
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeDialog();
        return;
      }
      if (event.key !== "Tab") {
        return;
      }
      var items = focusables(dialog);
      if (!items.length) {
        event.preventDefault();
        return;
      }
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    });
  }
  document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
    button.addEventListener("click", openDialog);
  });

  function isTyping(target) {
    if (!target || target === document.body) {
      return false;
    }
    if (target.isContentEditable) {
      return true;
    }
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    if (tag === "INPUT") {
      var type = (target.getAttribute("type") || "text").toLowerCase();
      return ["checkbox", "radio", "button", "submit", "reset", "image", "file", "range", "color"].indexOf(type) < 0;
    }
    return false;
  }

  function go(url) {
    if (url) {
      window.location.assign(url);
      return true;
    }
    return false;
  }

  function moveInList(step) {
    var links = Array.prototype.slice.call(root.querySelectorAll("[data-case-link]"));
    if (!links.length) {
      return false;
    }
    var at = links.indexOf(document.activeElement);
    var next = at < 0 ? 0 : Math.min(links.length - 1, Math.max(0, at + step));
    links[next].focus();
    if (typeof links[next].scrollIntoView === "function") {
      links[next].scrollIntoView({ block: "nearest" });
    }
    return true;
  }

  var replyBox = document.getElementById("id_text");
  var internalBox = document.getElementById("id_internal");
  var replyButton = root.querySelector("[data-reply-button]");

  function labelReplyButton() {
    if (replyButton && internalBox) {
      replyButton.textContent = internalBox.checked
        ? replyButton.dataset.labelNote
        : replyButton.dataset.labelReply;
    }
  }
  if (internalBox) {
    internalBox.addEventListener("change", labelReplyButton);
  }

  function focusReply(internal) {
    if (!replyBox) {
      return false;
    }
    if (internalBox && internalBox.checked !== internal) {
      internalBox.checked = internal;
      labelReplyButton();
    }
    replyBox.focus();
    return true;
  }

  function focusById(id) {
    var el = document.getElementById(id);
    if (!el) {
      return false;
    }
    el.focus();
    return true;
  }

  function takeCase() {
    var take = root.querySelector("form[data-take]");
    if (take) {
      if (typeof take.requestSubmit === "function") {
        take.requestSubmit();
      } else {
        take.submit();
      }
      return true;
    }
    // Already owned: hand it to me instead, which needs a note.
    var select = document.getElementById("id_to_assignee");
    var form = select ? select.form : null;
    if (select && form && form.dataset.me) {
      var mine = select.querySelector('option[value="' + form.dataset.me + '"]');
      if (mine) {
        select.value = form.dataset.me;
      }
      return focusById("id_note");
    }
    return false;
  }

  function focusSearch() {
    var input = root.querySelector("[data-search-input]");
    if (input) {
      input.focus();
      if (typeof input.select === "function") {
        input.select();
      }
      return true;
    }
    return go(data.searchUrl);
  }

  var pendingG = 0;

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (dialog && dialog.open) {
      return; // the dialog handles its own keys
    }
    if (isTyping(event.target)) {
      return;
    }
    var key = event.key;
    if (pendingG) {
      var recent = Date.now() - pendingG < 1500;
      pendingG = 0;
      if (recent && key === "q") {
        event.preventDefault();
        go(data.queueUrl);
        return;
      }
    }
    var done = false;
    switch (key) {
      case "?":
        openDialog();
        done = true;
        break;
      case "j":
        done = moveInList(1);
        break;
      case "k":
        done = moveInList(-1);
        break;
      case "n":
        done = go(data.nextUrl);
        break;
      case "r":
        done = focusReply(false);
        break;
      case "i":
        done = focusReply(true);
        break;
      case "a":
        done = takeCase();
        break;
      case "t":
        done = focusById("id_note");
        break;
      case "/":
        done = focusSearch();
        break;
      case "g":
        pendingG = Date.now();
        done = true;
        break;
      default:
        return;
    }
    if (done) {
      event.preventDefault();
    }
  });

  // For the browser tests and the curious: the pieces that have no other way to be observed.
  window.amendsConsole = {
    countdownText: countdownText,
    refreshCountdowns: refreshCountdowns,
    reconnect: connect,
  };
})();
