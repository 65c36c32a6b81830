"""Reflection app for Dutch social neighbourhood teams on the Verklaring van Eindhoven."""

__version__ = "0.1.0"
