"""foreign_keys"""

SCENARIOS = ()
