"""`sauda`, the operator's tool. Each command group is a module; every store it touches is built
by the owning service's bootstrap (see `running.py`)."""
