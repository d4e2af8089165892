"""Chats handed to a person: the business's setting, the assignment a handover makes, and the
merchant's release of a handed chat."""
