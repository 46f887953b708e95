"""Hooks for history, audit and notifications: every service write sends one of these after commit."""

from django.dispatch import Signal

# Sent with sender=ProviderConfig, provider=<instance or None after delete>, provider_id, action, user, changes.
provider_changed = Signal()
