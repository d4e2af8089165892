"""`python -m sauda_notifier`: run the notifier."""

import uvloop

from sauda_notifier.bootstrap import main
from sauda_runtime.gc_tuning import tune_gc

if __name__ == "__main__":
    tune_gc()
    uvloop.run(main())
