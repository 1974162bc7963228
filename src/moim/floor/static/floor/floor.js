// The floor's live island. Speaking clocks ([data-floor-timer]) count down in the browser from
// the time left the server computed when it drew them (data-seconds-left), unless paused; the
// server sends no ticks. Each [data-floor] part listens to the assembly's live stream (its
// floor and poll changes) and, on an event that names a list of speakers (and when the stream
// opens or reopens, or the server's own subscription came back), fetches its state again from
// data-state-url: the fresh figures replace the part, and the clocks go on. Every event is
// also passed on to the page as a `moim:live` event of the document, and a stream back after a
// break as `{reopened: true}`: the sitting page's ballot part follows the same stream
// (governance/sitting.js) rather than open one of its own; while its stream is open the part
// is marked `is-live`. A stream the server refused (429 past a limit, 503 from a full process)
// is asked for again after a delay that doubles from two seconds to a minute, each spread at
// random; an open stream starts the count again.
(function () {
  "use strict";

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-floor-timer]").forEach(function (clock) {
      if (!clock.dataset.drawnAt) { clock.dataset.drawnAt = String(now); }
      var left = parseInt(clock.dataset.secondsLeft, 10);
      if (isNaN(left)) { return; }
      if (!("paused" in clock.dataset)) {
        left -= Math.floor((now - parseInt(clock.dataset.drawnAt, 10)) / 1000);
      }
      left = Math.max(0, left);
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (clock.textContent !== text) { clock.textContent = text; }
      clock.classList.toggle("is-over", left === 0);
    });
  }

  function follow(root) {
    var target = root.querySelector("[data-floor-state]");
    if (!target) { return; }
    var loading = false;
    var again = false;

    function refresh() {
      if (loading) { again = true; return; }
      loading = true;
      fetch(root.dataset.stateUrl, { cache: "no-store", credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null) {
            target.innerHTML = html;
            if (window.htmx) { window.htmx.process(target); }
            tick();
          }
        })
        .catch(function () {})
        .then(function () {
          loading = false;
          if (again) { again = false; refresh(); }
        });
    }

    function share(data) {
      document.dispatchEvent(new CustomEvent("moim:live", { detail: data }));
    }

    var opened = false;
    var refusals = 0;

    function retryDelay() {
      refusals += 1;
      return Math.min(60000, 2000 * Math.pow(2, refusals - 1)) * (0.5 + Math.random());
    }

    function connect() {
      var source = new EventSource(root.dataset.eventsUrl);
      source.addEventListener("open", function () {
        refusals = 0;
        root.classList.remove("is-offline");
        root.classList.add("is-live");
        refresh();
        if (opened) { share({ reopened: true }); }
        opened = true;
      });
      source.addEventListener("update", function (event) {
        var data = null;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        if (!data) { return; }
        if (data.floor !== undefined || data.reconnected) { refresh(); }
        share(data);
      });
      source.addEventListener("error", function () {
        root.classList.remove("is-live");
        root.classList.add("is-offline");
        if (source.readyState === EventSource.CLOSED) { setTimeout(connect, retryDelay()); }
      });
    }

    connect();
  }

  tick();
  setInterval(tick, 250);
  document.querySelectorAll("[data-floor]").forEach(follow);
})();
