// A form marked data-retry-busy (the ballot forms) is sent again when the server answers 503
// "busy" (moim/busy.py: nothing was stored): after the Retry-After delay, a few times. The form
// still holds the same submission token, so a ballot sent twice is stored once and its receipt
// comes back either way. The message shown while waiting is the form's data-busy-message.
(function () {
  "use strict";
  var MAX_ATTEMPTS = 8;

  function statusFor(form) {
    var status = form.querySelector("[data-busy-status]");
    if (!status) {
      status = document.createElement("p");
      status.setAttribute("data-busy-status", "");
      status.setAttribute("role", "status");
      status.className = "notice";
      form.appendChild(status);
    }
    return status;
  }

  // The form that sent the request (event.detail.elt is the target being swapped).
  function sendingForm(event) {
    var config = event.detail.requestConfig;
    var elt = config && config.elt;
    return elt && elt.closest ? elt.closest("form[data-retry-busy]") : null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = sendingForm(event);
    if (!form || event.detail.xhr.status !== 503) { return; }
    event.detail.shouldSwap = false;
    event.detail.isError = false;
    var attempts = Number(form.dataset.busyAttempts || "0") + 1;
    form.dataset.busyAttempts = String(attempts);
    if (attempts > MAX_ATTEMPTS) { return; }
    var after = parseFloat(event.detail.xhr.getResponseHeader("Retry-After") || "2");
    if (!(after > 0)) { after = 2; }
    // Spread the retries so that a crowd does not come back in one wave.
    var delay = Math.min(after, 10) * 1000 * (1 + Math.random() / 2);
    statusFor(form).textContent = form.dataset.busyMessage || "";
    window.setTimeout(function () { htmx.trigger(form, "submit"); }, delay);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = sendingForm(event);
    if (form && event.detail.xhr && event.detail.xhr.status !== 503) {
      delete form.dataset.busyAttempts;
    }
  });
})();
