"""`python -m sauda_conversation`: run the conversation service."""

import uvloop

from sauda_conversation.bootstrap import main

if __name__ == "__main__":
    uvloop.run(main())
