// The projector's live island. A `state` event carries the state to show, rendered by the
// server: it replaces the fragment as it is, with no request. Whenever the stream (re)opens, and
// on an `update` event (the development server's streams send those), the page fetches the
// current state instead. EventSource reconnects by itself after a dropped connection; if the
// browser gives up, a new stream is opened after two seconds.
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
      root.classList.remove("is-offline");
      refresh();
    });
    source.addEventListener("update", refresh);
    source.addEventListener("state", function (event) {
      pushed = true;
      again = false;
      target.innerHTML = event.data;
    });
    source.addEventListener("error", function () {
      root.classList.add("is-offline");
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 2000);
      }
    });
  }

  if (status) { status.hidden = false; }
  connect();
})();
