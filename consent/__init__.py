"""Remembered consent: what each user has approved each client to do."""
