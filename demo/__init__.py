"""Demo clients of the provider: a narrated scripted client and a separate relying-party web app."""
