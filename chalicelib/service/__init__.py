"""Use cases: what citizens, staff and the state machine can do. No Chalice, no HTTP here."""
