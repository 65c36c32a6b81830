"""render: see README, Development."""
