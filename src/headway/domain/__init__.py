"""Headway's domain: entities, validation and every formula. Standard library only."""
