"""Known product bugs the scenarios expose, one precise sentence each (the xfail reasons).

Each names the file and function, the input, and expected vs actual, so the owner can fix it
and the strict xfail then tells us to remove the mark. Add a constant here and
``xfail_on={dialect: CONSTANT}`` on the scenario when a new one is found.
"""
