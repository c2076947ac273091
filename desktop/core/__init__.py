"""The domain core: items, events, rules. Pure Python; never imports Qt."""
