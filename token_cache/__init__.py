"""A per-process cache of access tokens for bearer validation, kept honest by a shared invalidation feed."""
