"""Actions of the asset register: the only code that writes its records."""
