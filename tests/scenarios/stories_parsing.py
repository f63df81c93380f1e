"""parsing"""

SCENARIOS = ()
