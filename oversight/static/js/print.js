// The print page's button (an inline onclick would be refused by the Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-print]");
  if (button) button.addEventListener("click", () => window.print());
});
