// A projected countdown ticks on the screen by itself, towards the moment the server set
// (data-ends-at); a new slide pushed by the server simply replaces the element.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show(left) {
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    var seconds = left % 60;
    return hours ? hours + ":" + pad(minutes) + ":" + pad(seconds) : minutes + ":" + pad(seconds);
  }
  function tick() {
    var clocks = document.querySelectorAll("[data-ends-at]");
    for (var i = 0; i < clocks.length; i++) {
      var ends = Date.parse(clocks[i].dataset.endsAt);
      if (isNaN(ends)) { continue; }
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      clocks[i].textContent = show(left);
      clocks[i].classList.toggle("is-over", left === 0);
    }
  }
  setInterval(tick, 250);
  tick();
})();
