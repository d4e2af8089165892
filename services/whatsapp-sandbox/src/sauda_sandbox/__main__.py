"""`python -m sauda_sandbox`: serve the WhatsApp sandbox on 127.0.0.1:$SANDBOX_PORT."""

import uvloop

from sauda_sandbox.bootstrap import main

if __name__ == "__main__":
    uvloop.run(main())
