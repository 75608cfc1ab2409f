"""Prospecting ROI: the calculations behind the meeting app."""

__version__ = "0.1.0"
