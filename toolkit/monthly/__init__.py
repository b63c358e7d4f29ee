"""Monthly returns (月报) from lawyers and stations: find the table, normalise, consolidate."""
