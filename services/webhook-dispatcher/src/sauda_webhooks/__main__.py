"""`python -m sauda_webhooks`: run the webhook dispatcher."""

import asyncio

from sauda_webhooks.bootstrap import main

if __name__ == "__main__":
    asyncio.run(main())
