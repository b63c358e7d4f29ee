"""Case subsidies (办案补贴): standards as data, computation, and what a run writes."""
