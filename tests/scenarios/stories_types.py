"""types"""

SCENARIOS = ()
