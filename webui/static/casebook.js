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

// Named timelines: a note edited but not yet saved says so, and leaving the page asks first. (Without
// this file nothing is lost either way: every button of the list saves every changed note.)
const notes = document.querySelectorAll("textarea[data-note]");
let unsaved = false;
notes.forEach((note) => {
  note.addEventListener("input", () => {
    unsaved = true;
    if (!note.dataset.marked) {
      note.dataset.marked = "yes";
      const mark = document.createElement("span");
      mark.className = "unsaved";
      mark.setAttribute("role", "status");
      mark.textContent = "Not saved yet";
      note.after(mark);
    }
  });
  note.form.addEventListener("submit", () => {
    unsaved = false;
  });
});
window.addEventListener("beforeunload", (event) => {
  if (unsaved) {
    event.preventDefault();
    event.returnValue = "";
  }
});
