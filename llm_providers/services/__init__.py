"""Services: the only code that writes provider data or calls providers."""
