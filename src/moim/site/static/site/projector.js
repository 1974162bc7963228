// The projector's live island: on every server-sent event, and whenever the stream (re)opens,
// fetch the current state from the server and show it. EventSource reconnects by itself after
// a dropped connection; if the browser gives up, a new stream is opened after two seconds.
(function () {
  "use strict";
  var root = document.querySelector("[data-projector]");
  if (!root) { return; }
  var target = root.querySelector("[data-projector-state]");
  var status = root.querySelector("[data-projector-status]");
  var loading = false;
  var again = false;

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(root.dataset.stateUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } })
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
