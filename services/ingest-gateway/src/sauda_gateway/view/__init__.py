"""The merchant's read side: the order view and its projector, customers, messages, notices."""
