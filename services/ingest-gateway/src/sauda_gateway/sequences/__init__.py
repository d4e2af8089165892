"""Sequences: a drip of templates to a subscriber at delays, run by the notifier."""
