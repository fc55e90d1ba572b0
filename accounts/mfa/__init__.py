"""Second factors: TOTP (django-otp's device), recovery codes, passkeys, the sign-in step asking for one, policy."""
