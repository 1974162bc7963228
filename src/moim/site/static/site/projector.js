// The projector's live island. A `state` event carries the state to show, rendered by the
// server: it replaces the fragment as it is, with no request. Under the production server
// (data-pushes-state) the stream greets each (re)opening with the state, so the page fetches it
// only if none came within GREETING_MS; otherwise (the development server's streams) it fetches
// the state when the stream opens and on each `update` event. EventSource reconnects by itself
// after a dropped connection. If the browser gives up (the server refused the stream: 429 past
// a limit, 503 from a full process), a new stream is asked for after a delay that doubles from
// two seconds to a minute, each spread at random, so that a hall of refused screens does not ask
// all together every two seconds; an open stream starts the count again.
(function () {
  "use strict";
  var root = document.querySelector("[data-projector]");
  if (!root) { return; }
  var target = root.querySelector("[data-projector-state]");
  var status = root.querySelector("[data-projector-status]");
  var loading = false;
  var again = false;
  // A state that arrives while a fetch runs is newer than what the fetch will bring back.
  var pushed = false;
  var GREETING_MS = 3000;
  var greeted = false;
  var greeting = null;
  var refusals = 0;

  function retryDelay() {
    refusals += 1;
    return Math.min(60000, 2000 * Math.pow(2, refusals - 1)) * (0.5 + Math.random());
  }

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    pushed = false;
    fetch(root.dataset.stateUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null && !pushed) { target.innerHTML = html; } })
      .catch(function () {})
      .then(function () {
        loading = false;
        if (again) { again = false; refresh(); }
      });
  }

  function connect() {
    var source = new EventSource(root.dataset.eventsUrl);
    source.addEventListener("open", function () {
      refusals = 0;
      root.classList.remove("is-offline");
      if (root.dataset.pushesState !== "true") { refresh(); return; }
      greeted = false;
      clearTimeout(greeting);
      greeting = setTimeout(function () { if (!greeted) { refresh(); } }, GREETING_MS);
    });
    source.addEventListener("update", refresh);
    source.addEventListener("state", function (event) {
      greeted = true;
      pushed = true;
      again = false;
      target.innerHTML = event.data;
    });
    source.addEventListener("error", function () {
      root.classList.add("is-offline");
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, retryDelay());
      }
    });
  }

  if (status) { status.hidden = false; }
  connect();
})();
