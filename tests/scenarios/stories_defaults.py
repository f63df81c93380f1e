"""defaults"""

SCENARIOS = ()
