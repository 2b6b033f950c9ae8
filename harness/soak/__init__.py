"""The soak: thousands of sessions through a proxy with faults injected on every leg (docs/soak.md)."""
