"""Our policies inside other benchmarks' own harnesses: OSWorld's (osworld.OSWorldAgent), whose
actions are the pyautogui code strings of pyautogui_code. Light to import: the model loads when
an agent is built."""

from .osworld import OSWorldAgent

__all__ = ["OSWorldAgent"]
