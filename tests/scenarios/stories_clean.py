"""clean"""

SCENARIOS = ()
