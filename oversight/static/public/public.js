// The citizens' pages work without this file; it adds a print button, hides the identity
// fields of the complaint form until "named" is chosen, and makes the tracking page, which the
// lookup's POST answers directly, reload with a GET (the tracking cookie) instead of sending
// the code again.
document.addEventListener("DOMContentLoaded", () => {
  // a history entry replaced this way carries no form data: a reload is a GET
  if (document.querySelector("[data-tracked]") && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.href);
  }
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  const radios = document.querySelectorAll("input[name=named]");
  if (!radios.length) return;
  const fields = ["name", "phone", "contact"].map((n) => document.querySelector(`[data-field=${n}]`));
  const update = () => {
    const named = document.querySelector("input[name=named]:checked");
    const show = named && named.value === "1";
    fields.forEach((f) => f && f.classList.toggle("js-hidden", !show && !f.classList.contains("has-error")));
  };
  radios.forEach((r) => r.addEventListener("change", update));
  update();
});
