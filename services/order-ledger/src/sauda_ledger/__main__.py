"""`python -m sauda_ledger`: run the order ledger."""

import uvloop

from sauda_ledger.bootstrap import main

if __name__ == "__main__":
    uvloop.run(main())
