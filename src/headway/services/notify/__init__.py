"""Notifications: e-mail and the weekly check-in digest."""
