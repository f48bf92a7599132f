// Picking a match from the caller look-up puts that person's username in the caller field;
// the server still checks that the agent may log calls for them.
document.addEventListener("click", (event) => {
  const match = event.target.closest("[data-caller]");
  if (!match) return;
  const list = match.closest("[data-caller-for]");
  const input = document.getElementById(list.dataset.callerFor);
  input.value = match.dataset.caller;
  list.replaceChildren();
  input.focus();
});
