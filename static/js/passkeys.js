// Passkeys (WebAuthn): the forms marked data-passkey="register" or "authenticate" ask the server for options,
// let the browser create or use a passkey, and post its answer in the form's hidden "credential" field; the
// server checks everything (accounts.mfa.passkeys). Loaded as a file: the Content-Security-Policy allows no
// inline script. The forms stay hidden where this script does not run or the browser has no WebAuthn.
"use strict";

(() => {
  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (character) => character.charCodeAt(0)).buffer;
  }

  // The server's JSON options, with the byte fields the browser wants as ArrayBuffers.
  function creationOptions(json) {
    return {
      ...json,
      challenge: fromBase64url(json.challenge),
      user: { ...json.user, id: fromBase64url(json.user.id) },
      excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
    };
  }

  function requestOptions(json) {
    return {
      ...json,
      challenge: fromBase64url(json.challenge),
      allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
    };
  }

  // The credential as WebAuthn Level 3's JSON encoding (what PublicKeyCredential.toJSON() gives, where it exists).
  function credentialJSON(credential) {
    const response = credential.response;
    const json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      json.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    return JSON.stringify(json);
  }

  // A readable sentence for the browser's refusal (the page supplies them, translated, as data-msg-*).
  function explain(form, error) {
    const messages = form.dataset;
    if (error.name === "NotAllowedError" || error.name === "AbortError") return messages.msgCanceled;
    if (error.name === "InvalidStateError" && messages.msgExists) return messages.msgExists;
    if (error.name === "NotSupportedError") return messages.msgUnsupported;
    if (error.serverMessage) return error.serverMessage;
    return `${messages.msgFailed} (${error.name}: ${error.message})`;
  }

  function showError(form, text) {
    const target = document.getElementById(form.dataset.errorTarget);
    target.textContent = text;
    target.hidden = !text;
  }

  async function fetchOptions(form) {
    const response = await fetch(form.dataset.optionsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, Accept: "application/json" },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.error || response.statusText);
      error.name = `HTTP ${response.status}`;
      error.serverMessage = body.error;
      throw error;
    }
    return body;
  }

  async function run(form) {
    const options = await fetchOptions(form);
    const credential =
      form.dataset.passkey === "register"
        ? await navigator.credentials.create({ publicKey: creationOptions(options) })
        : await navigator.credentials.get({ publicKey: requestOptions(options) });
    form.elements.credential.value = credentialJSON(credential);
    form.submit(); // the server answers with the next page (or this one, with its refusal)
  }

  document.addEventListener("DOMContentLoaded", () => {
    const supported = typeof window.PublicKeyCredential === "function" && navigator.credentials;
    for (const form of document.querySelectorAll("form[data-passkey]")) {
      if (!supported) continue; // stays hidden: the password and codes still work
      form.hidden = false;
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const button = form.querySelector("button[type=submit]");
        button.disabled = true;
        showError(form, "");
        try {
          await run(form);
        } catch (error) {
          showError(form, explain(form, error));
          button.disabled = false;
        }
      });
    }
  });
})();
