"""Real-world models suite: packages nobody here wrote, installed from PyPI into their own
virtual environment, their databases built from their own metadata (tests/test_realworld.py).
"""
