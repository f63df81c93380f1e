"""options"""

SCENARIOS = ()
