// The client admin form: choosing a kind fills in the client type, grant types, scopes and algorithm that suit it.
// Everything stays editable afterwards. Loaded as a file (the Content-Security-Policy allows no inline script).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const kind = document.getElementById("id_kind");
  if (!kind) {
    return;
  }
  const presets = JSON.parse(kind.dataset.kindPresets || "{}");

  function check(name, values) {
    for (const box of document.querySelectorAll(`input[type="checkbox"][name="${name}"]`)) {
      box.checked = values.includes(box.value);
    }
  }

  kind.addEventListener("change", () => {
    const preset = presets[kind.value];
    if (!preset) {
      return; // "custom": leave every field as it is
    }
    for (const radio of document.querySelectorAll('input[type="radio"][name="client_type"]')) {
      radio.checked = radio.value === preset.client_type;
    }
    check("grant_types", preset.grant_types);
    check("allowed_scopes", preset.allowed_scopes);
    const algorithm = document.getElementById("id_algorithm");
    if (algorithm) {
      algorithm.value = preset.algorithm;
    }
  });

  // Ticking or unticking openid by hand keeps the algorithm in step, unless an admin already chose one.
  const openid = document.querySelector('input[type="checkbox"][name="allowed_scopes"][value="openid"]');
  const algorithm = document.getElementById("id_algorithm");
  if (openid && algorithm) {
    openid.addEventListener("change", () => {
      if (openid.checked && algorithm.value === "") {
        algorithm.value = "RS256";
      }
    });
  }
});
