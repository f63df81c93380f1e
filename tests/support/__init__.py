"""Helpers more than one test module uses."""
