// The live CAB board: renders the meeting's state sent over its WebSocket (on connect and after
// every vote or decision), and posts votes and decisions. Everything shown is built with
// textContent, never innerHTML, because titles and comments are user content.
(function () {
  "use strict";
  const root = document.getElementById("cab-board");
  if (!root) return;
  const meeting = root.dataset.meeting;
  const canVote = root.dataset.canVote === "1";
  const isChair = root.dataset.isChair === "1";
  const canRun = root.dataset.canRun === "1";
  const itemUrl = (id, op) => root.dataset.itemUrl.replace("/0/", "/" + id + "/").replace("/op/", "/" + op + "/");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const errorBox = document.getElementById("board-error");
  const connection = document.getElementById("board-connection");
  let delay = 1000;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function post(id, op, data) {
    const body = new URLSearchParams(data || {});
    return fetch(itemUrl(id, op), {
      method: "POST",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body: body,
      credentials: "same-origin",
    }).then((response) => response.json()).then((result) => {
      errorBox.classList.toggle("d-none", result.ok);
      errorBox.textContent = result.ok ? "" : result.error;
    });
  }

  function select(templateId, name) {
    const node = el("select", { name: name, class: "form-select form-select-sm w-auto" });
    node.innerHTML = document.getElementById(templateId).innerHTML;  // server-rendered choices
    return node;
  }

  function renderItem(item, current) {
    const card = el("div", { class: "card mb-2" + (current ? " border-warning border-2" : ""), id: "item-" + item.id, "data-status": item.status });
    const body = el("div", { class: "card-body py-2" });
    const head = el("div", { class: "d-flex gap-2 align-items-center" });
    const link = el("a", { href: item.url, class: "fw-semibold" }, item.position + ". " + item.reference + " " + item.title);
    head.appendChild(link);
    head.appendChild(el("span", { class: "badge text-bg-light border" }, item.kind));
    head.appendChild(el("span", { class: "badge text-bg-info" }, "Risk: " + item.risk));
    head.appendChild(el("span", { class: "badge text-bg-secondary change-status" }, item.change_status));
    body.appendChild(head);
    body.appendChild(el("div", { class: "small text-body-secondary" }, item.change_type + " change · " + item.window));
    item.collisions.forEach((text) => body.appendChild(el("div", { class: "small text-warning-emphasis" }, text)));
    const votes = el("ul", { class: "list-unstyled small mb-1 votes" });
    item.votes.forEach((vote) => {
      votes.appendChild(el("li", { class: "vote", "data-member": vote.member }, vote.member + ": " + vote.choice_label + (vote.comment ? " — " + vote.comment : "")));
    });
    body.appendChild(votes);
    if (item.decision) {
      body.appendChild(el("div", { class: "fw-semibold decision" }, "Decision: " + item.decision.outcome_label + (item.decision.conditions ? " (" + item.decision.conditions + ")" : "") + " — " + item.decision.by));
    }
    if (item.status === "pending" && canRun) {
      const open = el("button", { class: "btn btn-sm btn-outline-primary open-item" }, "Open for votes");
      open.addEventListener("click", () => post(item.id, "open"));
      body.appendChild(open);
    }
    if (item.status === "open" && canVote) {
      const form = el("form", { class: "d-flex gap-2 mt-1 vote-form" });
      form.appendChild(select("vote-choices", "choice"));
      form.appendChild(el("input", { name: "comment", class: "form-control form-control-sm", placeholder: "Comment" }));
      form.appendChild(el("button", { class: "btn btn-sm btn-primary", type: "submit" }, "Vote"));
      form.addEventListener("submit", (event) => { event.preventDefault(); post(item.id, "vote", new FormData(form)); });
      body.appendChild(form);
    }
    if (item.status === "open" && isChair) {
      const form = el("form", { class: "d-flex gap-2 mt-1 decide-form" });
      form.appendChild(select("decision-outcomes", "outcome"));
      form.appendChild(el("input", { name: "conditions", class: "form-control form-control-sm", placeholder: "Conditions" }));
      form.appendChild(el("input", { name: "actions", class: "form-control form-control-sm", placeholder: "Actions" }));
      form.appendChild(el("button", { class: "btn btn-sm btn-success", type: "submit" }, "Record decision"));
      form.addEventListener("submit", (event) => { event.preventDefault(); post(item.id, "decide", new FormData(form)); });
      body.appendChild(form);
    }
    card.appendChild(body);
    return card;
  }

  const signatures = {};

  function render(state) {
    // Only items whose content changed are rebuilt, so what a member is typing survives.
    document.getElementById("board-status").textContent = state.status_label;
    const fresh = document.createDocumentFragment();
    state.items.forEach((item) => {
      const current = item.id === state.current_item;
      const signature = JSON.stringify(item) + current;
      const existing = document.getElementById("item-" + item.id);
      if (existing && signatures[item.id] === signature) {
        fresh.appendChild(existing);
      } else {
        signatures[item.id] = signature;
        fresh.appendChild(renderItem(item, current));
      }
    });
    root.replaceChildren(fresh);
    if (!state.items.length) root.appendChild(el("p", { class: "text-body-secondary" }, "Nothing on the agenda."));
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(scheme + "://" + window.location.host + "/ws/changes/cab/" + meeting + "/");
    socket.onopen = function () { delay = 1000; connection.textContent = "live"; connection.className = "badge text-bg-success"; };
    socket.onmessage = function (event) {
      const message = JSON.parse(event.data);
      if (message.type === "board.state") render(message);
    };
    socket.onclose = function (event) {
      connection.textContent = "reconnecting…";
      connection.className = "badge text-bg-secondary";
      if (event.code === 4401) { connection.textContent = "not allowed"; return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
