"""Align: match what different outlets say into facts and quote groups.

PLACEHOLDER: to be replaced by the real implementation (issue 4).
"""
