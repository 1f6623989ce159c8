"""UI-TARS agent prompts (1.0 from its README and OSWorld's agent; 1.5 from its codes/ui_tars/prompt.py),
and our Qwen2-VL action-vocabulary prompt written in the same Thought/Action style. Families pick
their template (agent/models/families/); prompts/thought_action_chat.py fills it in.

The instruction goes after `## User Instruction` (1.5's template ends with a newline after it). `{language}` is the language the model
should think in (the 1.0 README says Chinese; OSWorld runs them in English).
"""

from __future__ import annotations

_HEAD = ("You are a GUI agent. You are given a task and your action history, with screenshots. "
         "You need to perform the next action to complete the task. \n\n")
_FORMAT = "## Output Format\n```\nThought: ...\nAction: ...\n```\n\n"
_TAIL_1_0 = ("\n\n## Note\n- Use {language} in `Thought` part.\n- Summarize your next action (with its target element) "
             "in one sentence in `Thought` part.\n\n## User Instruction\n{instruction}")
_TAIL_1_5 = ("\n\n## Note\n- Use {language} in `Thought` part.\n- Write a small plan and finally summarize your next "
             "action (with its target element) in one sentence in `Thought` part.\n\n## User Instruction\n{instruction}\n")
_B = "start_box='<|box_start|>(x1,y1)<|box_end|>'"
_ESC = (r"Use escape characters \', \", and \n in content part to ensure we can parse the content in normal "
        r"python string format.")

UITARS_DESKTOP = _HEAD + _FORMAT + "## Action Space\n\n" + "\n".join([
    f"click({_B})", f"left_double({_B})", f"right_single({_B})",
    f"drag({_B}, end_box='<|box_start|>(x3,y3)<|box_end|>')",
    "hotkey(key='')",
    r"""type(content='') #If you want to submit your input, use "\n" at the end of `content`.""",
    f"scroll({_B}, direction='down or up or right or left')",
    "wait() #Sleep for 5s and take a screenshot to check for any changes.",
    "finished()",
    "call_user() # Submit the task and call the user when the task is unsolvable, or when you need the user's help.",
]) + "\n" + _TAIL_1_0

UITARS_MOBILE = _HEAD + _FORMAT + "## Action Space\n" + "\n".join([
    f"click({_B})", f"long_press({_B}, time='')", "type(content='')",
    f"scroll({_B}, end_box='<|box_start|>(x3,y3)<|box_end|>')",
    "press_home()", "press_back()",
    "finished(content='') # Submit the task regardless of whether it succeeds or fails.",
]) + "\n\n## Note\n- Use {language} in `Thought` part.\n\n- Write a small plan and finally summarize your next " \
    "action (with its target element) in one sentence in `Thought` part.\n\n## User Instruction\n{instruction}"

_P = "point='<point>x1 y1</point>'"
UITARS15_DESKTOP = _HEAD.replace(". \n\n", ".\n\n") + _FORMAT + "## Action Space\n\n" + "\n".join([
    f"click({_P})", f"left_double({_P})", f"right_single({_P})",
    "drag(start_point='<point>x1 y1</point>', end_point='<point>x2 y2</point>')",
    "hotkey(key='ctrl c') # Split keys with a space and use lowercase. Also, do not use more than 3 keys in one "
    "hotkey action.",
    f"type(content='xxx') # {_ESC} If you want to submit your input, use \\n at the end of content. ",
    f"scroll({_P}, direction='down or up or right or left') # Show more information on the `direction` side.",
    "wait() #Sleep for 5s and take a screenshot to check for any changes.",
    f"finished(content='xxx') # {_ESC}",
]) + "\n" + _TAIL_1_5

UITARS15_MOBILE = _HEAD.replace("\n\n", "\n") + _FORMAT.replace("\n\n", "\n") + "## Action Space\n\n" + "\n".join([
    f"click({_P})", f"long_press({_P})",
    """type(content='') #If you want to submit your input, use "\\n" at the end of `content`.""",
    f"scroll({_P}, direction='down or up or right or left')",
    "open_app(app_name='')",
    "drag(start_point='<point>x1 y1</point>', end_point='<point>x2 y2</point>')",
    "press_home()", "press_back()",
    f"finished(content='xxx') # {_ESC}",
]) + "\n" + _TAIL_1_5

# Qwen2-VL has no official agent prompt: this vocabulary uses its native grounding, a box in
# <|box_start|>(x1,y1),(x2,y2)<|box_end|> with coordinates 0..1000 of the image.
_T = "<|box_start|>(x1,y1),(x2,y2)<|box_end|>"
QWEN2 = ("You are a GUI agent. You are given a task and your action history, with screenshots of a {device}. "
         "You need to perform the next action to complete the task.\n\n" + _FORMAT +
         "## Action Space\nA target is the bounding box of the element on the screenshot, " + _T + ", with "
         "coordinates relative to the image from 0 to 1000.\n\n" + "\n".join([
             f"click({_T})", f"double_click({_T})", f"right_click({_T})",
             f"drag({_T}, {_T})", f"scroll({_T}, direction='down or up or right or left')",
             "type(content='') # To submit the input, end `content` with \\n.",
             "hotkey(key='ctrl c') # Lowercase key names split by spaces.",
             "wait() # Sleep for 5s and take another screenshot.",
             "answer(content='') # Give the answer when the task asks a question.",
             "finished() # The task is done.", "fail() # The task cannot be done.",
         ]) + "\n\n## Note\n- Use {language} in `Thought` part.\n- Summarize your next action (with its target "
         "element) in one sentence in `Thought` part.\n\n## User Instruction\n{instruction}")

