"""store: see README, Development."""
