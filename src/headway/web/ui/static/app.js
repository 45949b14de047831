// Headway's progressive enhancement. Every page works without this file: forms post and the
// server redirects back. With it, a form marked data-enhance sends itself in the background
// and the server answers with the changed part of the page, which replaces the element the
// attribute names, so the reader keeps their place on the page.
"use strict";

function announce(text) {
  const region = document.getElementById("announce");
  if (region) region.textContent = text;
}

async function sendInPlace(form, event) {
  event.preventDefault();
  const target = document.querySelector(form.dataset.enhance);
  const button = form.querySelector("button[type=submit], button:not([type])");
  if (!target) { form.submit(); return; }
  const focusSelector = form.dataset.focus;
  // The element that had the focus, found again by its id once the part is replaced.
  const activeId = form.contains(document.activeElement) ? document.activeElement.id : "";
  const scroll = window.scrollY;
  if (button) button.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Headway-Fragment": "1" },
      credentials: "same-origin",
    });
    const type = response.headers.get("Content-Type") || "";
    // Only the changed part (200) or the part with its field errors (422) goes in place.
    // Anything else (refused, gone, closed meanwhile, signed out) is a whole page: send the
    // form the plain way, so the browser shows that page. A refusal writes nothing, so
    // sending it again changes nothing either.
    const inPlace = response.ok || response.status === 422;
    if (!type.startsWith("text/html") || response.redirected || !inPlace) {
      form.submit();
      return;
    }
    target.innerHTML = await response.text();
    window.scrollTo(0, scroll);
    const invalid = target.querySelector("[aria-invalid=true]");
    const again = activeId && document.getElementById(activeId);
    const focus = invalid || (focusSelector && target.querySelector(focusSelector)) || again;
    if (focus) focus.focus({ preventScroll: true });
    const status = target.querySelector("[role=status]");
    announce(response.ok ? (status ? status.textContent : "Saved.") : "Please correct the marked fields.");
  } catch (error) {
    announce("Could not reach the server; the form was not sent.");
  } finally {
    if (button) button.removeAttribute("aria-busy");
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.enhance) sendInPlace(form, event);
});
