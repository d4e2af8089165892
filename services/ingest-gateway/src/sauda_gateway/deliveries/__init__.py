"""Failed deliveries (NDR): courier attempts on shipped orders, the RTO setting, one-call RTO."""
