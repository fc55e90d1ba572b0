"""Project-wide foundations every app may import, importing none: the own settings (IDP) and client addresses."""
