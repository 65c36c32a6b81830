"""core: see README, Development."""
