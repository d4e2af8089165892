"""`python -m sauda_ledger`: run the order ledger."""

import uvloop

from sauda_ledger.bootstrap import main
from sauda_runtime.gc_tuning import tune_gc

if __name__ == "__main__":
    tune_gc()
    uvloop.run(main())
