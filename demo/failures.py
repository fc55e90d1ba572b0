"""The one exception the demo's steps raise when the provider does not do what the protocol says."""


class StepFailed(Exception):
    """A step of the demo did not do what the protocol says it must."""
