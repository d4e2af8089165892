"""`python -m sauda_notifier`: run the notifier."""

import uvloop

from sauda_notifier.bootstrap import main

if __name__ == "__main__":
    uvloop.run(main())
