"""Drivers: the world an agent acts on (screens and input). Imports nothing of ours but itself."""
