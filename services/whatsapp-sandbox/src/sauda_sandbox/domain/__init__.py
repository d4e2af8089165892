"""Pure sandbox rules: Meta's payload limits, Graph errors, templates, buckets, the 24h window.

No I/O, no clock, no random: time and ids arrive as arguments, so every rule is a table-testable
function. The shapes follow /work/shared/whatsapp-cloud-api.md (the team's fact sheet).
"""
