// "Copy" buttons next to a value shown once (a new client's secret): copies the text of the element named by
// data-copy-target and says so. Loaded as a file (the Content-Security-Policy allows no inline script).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy-target]")) {
    button.hidden = false; // shown only where the script runs; without it the value is still selectable
    button.addEventListener("click", async () => {
      const target = document.getElementById(button.dataset.copyTarget);
      const label = button.textContent;
      try {
        await navigator.clipboard.writeText(target.textContent.trim());
        button.textContent = button.dataset.copiedLabel || "Copied";
      } catch {
        // No clipboard (plain http on another host, or permission refused): select it for Ctrl-C instead.
        window.getSelection().selectAllChildren(target);
        button.textContent = button.dataset.selectedLabel || "Selected: press Ctrl-C";
      }
      window.setTimeout(() => {
        button.textContent = label;
      }, 2000);
    });
  }
});
