// Visible messages at the top of a notebook page (an invalid deep-link value, a model refused by the memory guard):
// the page keeps running and the user sees what happened.

const CONTAINER_ID = "gb-notices";

export function showNotice(message: string): HTMLElement {
  let container = document.getElementById(CONTAINER_ID);
  if (!container) {
    container = document.createElement("div");
    container.id = CONTAINER_ID;
    container.className = "gb-notices";
    container.setAttribute("role", "alert");
    (document.querySelector("main") ?? document.body).before(container);
  }
  const notice = container.appendChild(document.createElement("p"));
  notice.className = "gb-notice";
  notice.textContent = message;
  return notice;
}
