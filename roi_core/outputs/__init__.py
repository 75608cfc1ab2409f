"""Outputs: the archived HTML report and the live-formula Excel export.

May import the contract, the calculations, ``io`` and ``charts``; never ``app`` or ``cli``.
"""
