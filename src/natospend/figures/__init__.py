"""Figures: the shared style (style.py) and layout check, then one module per notebook's charts."""
