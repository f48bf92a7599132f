// Live wallboard: the server sends figures computed for this user whenever calls change.
(function () {
  "use strict";
  const board = document.getElementById("wallboard");
  if (!board) return;
  const badge = document.getElementById("wallboard-live");
  const agents = document.querySelector("#wallboard-agents tbody");

  function render(figures) {
    for (const element of document.querySelectorAll("[data-figure]")) {
      const key = element.dataset.figure;
      if (key in figures) element.textContent = figures[key];
    }
    agents.replaceChildren();
    for (const agent of figures.agents) {
      const row = agents.insertRow();
      for (const [value, end] of [[agent.name, false], [agent.open, true], [agent.resolved_today, true], [agent.breached, true]]) {
        const cell = row.insertCell();
        cell.textContent = value; // textContent: names are never parsed as HTML
        if (end) cell.className = "text-end";
      }
    }
  }

  let delay = 1000;
  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}${board.dataset.socket}`);
    socket.onopen = () => { delay = 1000; badge.textContent = "live"; badge.className = "badge text-bg-success"; };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "wallboard") render(message.figures);
    };
    socket.onclose = () => {
      badge.textContent = "reconnecting"; badge.className = "badge text-bg-warning";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
