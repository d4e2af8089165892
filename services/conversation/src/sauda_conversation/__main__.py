"""`python -m sauda_conversation`: run the conversation service."""

import uvloop

from sauda_conversation.bootstrap import main
from sauda_runtime.gc_tuning import tune_gc

if __name__ == "__main__":
    tune_gc()
    uvloop.run(main())
