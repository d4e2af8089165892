"""The sandbox's outside world: the state file and the webhook emitter."""
