// Offer the browser's own time zone on pages that show times (?tz=Area/City).
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  for (const link of document.querySelectorAll("[data-browser-zone]")) {
    link.href = "?tz=" + encodeURIComponent(zone);
    link.textContent = link.textContent + " (" + zone + ")";
    link.hidden = false;
  }
});
