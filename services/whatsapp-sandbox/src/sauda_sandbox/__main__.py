"""`python -m sauda_sandbox`: serve the WhatsApp sandbox on 127.0.0.1:$SANDBOX_PORT."""

import uvloop

from sauda_runtime.gc_tuning import tune_gc
from sauda_sandbox.bootstrap import main

if __name__ == "__main__":
    tune_gc()
    uvloop.run(main())
