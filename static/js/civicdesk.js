// The signed-in person's live notification stream: keeps the bell's count current and
// shows a toast for each new notification. Reconnects with a growing delay.
(function () {
  "use strict";
  const badge = document.getElementById("unread-count");
  const toasts = document.getElementById("live-toasts");
  let delay = 1000;

  function setCount(count) {
    if (!badge) return;
    badge.textContent = String(count);
    badge.classList.toggle("d-none", count === 0);
  }

  function showToast(message) {
    if (!toasts || !window.bootstrap) return;
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("role", "status");
    const body = document.createElement("div");
    body.className = "toast-body";
    const link = document.createElement("a");
    link.textContent = message.title;  // textContent: the title is user content, never HTML
    link.href = message.url || "#";
    body.appendChild(link);
    toast.appendChild(body);
    toasts.appendChild(toast);
    new window.bootstrap.Toast(toast, { delay: 8000 }).show();
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(scheme + "://" + window.location.host + "/ws/notifications/");
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (event) {
      const message = JSON.parse(event.data);
      if (message.type === "unread") {
        setCount(message.count);
      } else if (message.type === "notification") {
        setCount((parseInt(badge ? badge.textContent : "0", 10) || 0) + 1);
        showToast(message);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4401) return;  // signed out: do not retry
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
