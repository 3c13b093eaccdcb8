"""Oversight (清廉监督平台): a digital supervision platform for discipline-inspection bodies."""

__version__ = "0.1.0"
