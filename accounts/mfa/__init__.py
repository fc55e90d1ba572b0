"""Second factors: TOTP (django-otp's device), recovery codes and passkeys, the sign-in step that asks for one, and policy."""
