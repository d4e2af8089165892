"""The merchant's analytics: order facts folded from the order stream, figures per day and range."""
