"""Pure domain: the SOP, the catalog, business time, decisions. No AWS, no HTTP."""
