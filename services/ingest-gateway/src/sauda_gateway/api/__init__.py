"""The HTTP layer every context's routes share: dependencies, error mapping, middleware, bodies."""
