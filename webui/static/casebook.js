// Progressive enhancement only: every page works without this file.
// Adds a "Copy" button beside each citation box.
document.querySelectorAll("textarea[data-copy]").forEach((box) => {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Copy";
  button.setAttribute("aria-label", "Copy " + (box.labels[0] ? box.labels[0].textContent : "citation"));
  const status = document.createElement("span");
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(box.value);
    } catch {
      box.select();
      document.execCommand("copy");
    }
    status.textContent = "Copied";
  });
  box.after(button, status);
});
