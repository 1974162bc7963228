// The sitting page's ballot part (#ballot) redraws itself when a poll of the assembly opens,
// closes or is counted. The page's floor part (floor/floor.js) holds the assembly's live stream
// and passes each event on as a `moim:live` event of the document; on one that names a poll's
// state, or when the stream is back after a break, the part asks for itself again (its
// hx-trigger `moim:ballots`). It waits a random moment of up to two seconds first, so that 2,000
// delegates' pages do not all ask in the same instant; the server answers 204 when nothing the
// delegate sees changed, and htmx then leaves the part (and a half-filled ballot) as it is.
// While no stream is open (refused, broken, or no floor part on the page) the part asks for
// itself every data-refresh-seconds instead, a net the 2,000 pages of a hall with their streams
// open never cast: a minute's poll from each would be some 33 requests a second.
(function () {
  "use strict";

  var SPREAD_MS = 2000;
  var waiting = false;

  function askAgain() {
    var part = document.getElementById("ballot");
    if (part && window.htmx) { window.htmx.trigger(part, "moim:ballots"); }
  }

  var first = document.getElementById("ballot");
  var every = first ? parseInt(first.dataset.refreshSeconds, 10) : NaN;
  if (every > 0) {
    setInterval(function () {
      if (!document.querySelector("[data-floor].is-live")) { askAgain(); }
    }, every * 1000);
  }

  document.addEventListener("moim:live", function (event) {
    var data = event.detail || {};
    if (data.state === undefined && !data.reconnected && !data.reopened) { return; }
    if (waiting) { return; }
    waiting = true;
    setTimeout(function () {
      waiting = false;
      askAgain();
    }, Math.random() * SPREAD_MS);
  });
})();
