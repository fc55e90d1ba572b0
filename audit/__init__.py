"""An append-only trail of security events: who did what, from where, to which client, and when."""
