"""Outgoing webhooks: made by admins, fed by the outbox, sent by the "webhooks" job."""
