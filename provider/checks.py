"""System checks for provider settings that would otherwise fail only under load or behind a proxy."""
