"""Load benchmark of the provider: bench-only views, data minting, and the wrk runner (``make bench``)."""
