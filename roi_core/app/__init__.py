"""The meeting app's machinery: live widgets (with their JS and CSS), views, export, sources.

May import every layer below it (contract, calculations, ``io``, ``charts``, ``outputs``);
only the notebooks import it, never ``cli`` or a lower layer.
"""
