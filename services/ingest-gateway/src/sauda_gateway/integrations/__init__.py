"""Other people's shapes, translated at the edge: BusinessOnBot's pushes and Meta's webhooks."""
