"""The committed dataset and reference tables: loading editions, allies, indicators, targets, series breaks, wide series."""
