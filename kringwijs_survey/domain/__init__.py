"""domain: see README, Development."""
