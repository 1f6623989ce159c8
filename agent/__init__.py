"""The agent: policies, the loop, batch runs and the command line. Imports tasks and drivers."""
