"""rules: see README, Development."""
