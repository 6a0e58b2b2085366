"""Benchmarks of the pages that grow with the data: the organisation register and the forum catalogue.

Run with ``python -m bench`` (or ``make bench``); see bench/README.md.
"""
