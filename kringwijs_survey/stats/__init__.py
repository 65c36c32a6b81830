"""stats: see README, Development."""
