"""`python -m sauda_webhooks`: run the webhook dispatcher."""

import uvloop

from sauda_webhooks.bootstrap import main

if __name__ == "__main__":
    uvloop.run(main())
