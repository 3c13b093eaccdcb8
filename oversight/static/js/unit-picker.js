// The unit picker (orgs/picker.py): a ticked match joins the chosen units, so that the next
// search, which replaces the matches, does not lose it; the same unit is never sent twice.
document.addEventListener("change", (event) => {
  const input = event.target;
  const picker = input.closest && input.closest("[data-unit-picker]");
  if (!picker || input.type === "search" || input.closest("[data-chosen]")) return;
  const chosen = picker.querySelector("[data-chosen]");
  const multiple = picker.hasAttribute("data-multiple");
  const same = (el) => el !== input && el.value === input.value;
  picker.querySelectorAll(`input[name="${CSS.escape(input.name)}"]`).forEach((el) => {
    if (same(el) || (!multiple && el.closest("[data-chosen]"))) {
      if (el.closest("[data-chosen]")) el.closest("label").remove();
      else el.checked = false;
    }
  });
  if (input.checked) {
    const label = document.createElement("label");
    label.className = "tag";
    const copy = input.cloneNode();
    copy.checked = true;
    label.append(copy, " ", input.closest("label").querySelector("span").textContent);
    chosen.append(label);
    input.checked = false;
  }
});
