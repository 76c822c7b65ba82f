"""Accounts, roles, sessions and the permission checks every write passes."""
