"""Domain services: every rule of the product, as plain functions over a session."""
