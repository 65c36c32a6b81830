"""web: see README, Development."""
