"""`python -m sauda_webhooks`: run the webhook dispatcher."""

import uvloop

from sauda_runtime.gc_tuning import tune_gc
from sauda_webhooks.bootstrap import main

if __name__ == "__main__":
    tune_gc()
    uvloop.run(main())
