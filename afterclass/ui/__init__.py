"""The look shared by every page: the icon sprite's template tag."""
