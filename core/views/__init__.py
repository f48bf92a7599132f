"""Views of core."""
