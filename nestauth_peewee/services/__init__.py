"""Services: the policy layer (normalise, hash, validate, one transaction, events)."""
