// Live pages of the service desk: a queue or a call page listens on its WebSockets and,
// when the server says something changed, fetches the page again and swaps the live region
// (never the forms being typed into). Reconnects with a growing delay.
(function () {
  "use strict";
  const region = document.getElementById("live-region");
  if (!region || !region.dataset.liveSockets) return;
  let pending = null;

  function refresh() {
    pending = null;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live-region");
        if (!fresh) return;
        // Keep the boxes ticked in a queue across the refresh.
        const ticked = new Set(Array.from(region.querySelectorAll("input[name=pk]:checked")).map(function (box) { return box.value; }));
        region.innerHTML = fresh.innerHTML;
        region.querySelectorAll("input[name=pk]").forEach(function (box) { box.checked = ticked.has(box.value); });
        region.dispatchEvent(new CustomEvent("live:refreshed", { bubbles: true }));
      });
  }

  function connect(path, delay) {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(scheme + "://" + window.location.host + path);
    socket.onopen = function () { delay = 1000; region.dataset.liveConnected = "true"; };
    socket.onmessage = function () {
      // Several events in a burst (a bulk action) cost one refresh.
      if (!pending) pending = setTimeout(refresh, 150);
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) return;  // not allowed: do not retry
      setTimeout(function () { connect(path, Math.min(delay * 2, 30000)); }, delay);
    };
  }
  region.dataset.liveSockets.split(" ").filter(Boolean).forEach(function (path) { connect(path, 1000); });
})();
