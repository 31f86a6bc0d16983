"""Checks on text and choice values that several space actions share: they are the actions'
common checks of `afterclass.core.validation`."""

from afterclass.core.validation import clean_choice, clean_text

__all__ = ["clean_choice", "clean_text"]
