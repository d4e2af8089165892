"""The dispatcher's pure decisions, one module per concept (no I/O, no clock, no random ids).

- `orders`: which order events merchants hear about, the dispatcher's copy of an order, payloads;
- `endpoints`: endpoints, their signing secrets and health (deactivation after repeated failure);
- `signatures`: the headers and both signature schemes of one attempt;
- `deliveries`: the delivery lifecycle (the FSM table, `evolve`), attempts, retries, planning;
- `records`: what the dispatcher publishes about deliveries and endpoints.
"""
