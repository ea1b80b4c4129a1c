"""Decision actions (one module each)."""
