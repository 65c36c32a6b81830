"""benchmarks: see README, Development."""
