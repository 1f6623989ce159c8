"""Tasks: what to do and how to check it. Imports drivers, never agent."""
