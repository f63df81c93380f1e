"""indexes"""

SCENARIOS = ()
