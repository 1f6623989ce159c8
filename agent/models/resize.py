"""The one resize: a screenshot becomes the image the model sees, and we remember both sizes.

The size comes from transformers' own `smart_resize` (the function the Qwen processors run),
so our image is exactly what the processor would have made, and the processor is then told
not to resize again. Coordinates the model writes refer to this image; `Frame` maps back.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .families import Family

if TYPE_CHECKING:
    from PIL.Image import Image

SMART_RESIZE_MODULE = "transformers.models.qwen2_vl.image_processing_pil_qwen2_vl"
"""Where transformers keeps the smart_resize we use: the PIL image processor, which (unlike the
torchvision one) needs neither torchvision nor, by itself, torch."""


def installed_smart_resize() -> Callable | None:
    """transformers' `smart_resize`, compiled from the installed transformers' own source file
    without importing transformers, or None when that is not possible (not installed, moved, or
    the function came to need more than builtins and standard-library modules).

    Importing the module runs transformers' image-processing stack, which imports torch: 4-8 s
    cold, for a function of ten lines. This compiles exactly that function's definition, with its
    file name, line numbers and the imports it uses, so its code object equals the imported one's
    (tests check).
    """
    import builtins
    import importlib.util
    import sys

    spec = importlib.util.find_spec("transformers")  # a top-level name: nothing is imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0], *SMART_RESIZE_MODULE.split(".")[1:]).with_suffix(".py")
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "smart_resize"]
    if len(defs) != 1 or defs[0].decorator_list:
        return None
    imports = {}  # name bound at module level by `import x` -> its node
    for node in tree.body:
        if isinstance(node, ast.Import):
            imports.update({(a.asname or a.name).split(".")[0]: ast.copy_location(ast.Import([a]), node)
                            for a in node.names if a.name.split(".")[0] in sys.stdlib_module_names})
    needed = _global_names(defs[0]) - set(vars(builtins))
    if not needed <= set(imports):
        return None
    # The imports matter to the compiler (3.11 calls methods of imported names differently),
    # and `from __future__` lines change how the function compiles: keep both, nothing else.
    future = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    body = future + [imports[name] for name in sorted(needed)] + defs
    namespace: dict = {"__name__": SMART_RESIZE_MODULE}
    try:
        exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec", dont_inherit=True), namespace)
    except Exception:  # whatever went wrong, the normal import is the fallback
        return None
    return namespace["smart_resize"]


def _global_names(function: ast.FunctionDef) -> set[str]:
    """Names `function` reads that it does not bind itself (a superset of its globals)."""
    args = function.args
    bound = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    bound |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    read = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
    return read - bound


@lru_cache(maxsize=1)
def _transformers_smart_resize():
    function = installed_smart_resize()
    if function is not None:
        return function
    # Could not read it from source: import it, the slow way, or say what to install.
    from drivers.base import require

    return require(SMART_RESIZE_MODULE, "openai").smart_resize


def model_size(width: int, height: int, family: Family, min_pixels: int | None = None,
               max_pixels: int | None = None) -> tuple[int, int]:
    """(width, height) in pixels of the image the model sees for a `width` x `height` screenshot.

    min/max pixels default to the family's. Raises ValueError for an aspect ratio over 200.
    """
    smart_resize = _transformers_smart_resize()
    h, w = smart_resize(height, width, factor=family.factor,
                        min_pixels=family.min_pixels if min_pixels is None else min_pixels,
                        max_pixels=family.max_pixels if max_pixels is None else max_pixels)
    return int(w), int(h)


@dataclass(frozen=True)
class Frame:
    """The two pixel spaces of one step: the screenshot's and the image the model saw."""

    screen: tuple[int, int]
    """(width, height) of the screenshot, the space of canonical actions."""
    model: tuple[int, int] | None
    """(width, height) of the image the model saw; None when not needed (relative coordinates)."""


def fit(screenshot: "Image", family: Family, min_pixels: int | None = None,
        max_pixels: int | None = None, resampler: str = "auto") -> tuple["Image", Frame]:
    """Resize `screenshot` once to the family's model size; return the RGB image and its Frame.

    Bicubic, as the Qwen image processors resample; `resampler` says whose ("auto", "pil",
    "vips": agent/models/resample.py). The image always has exactly the Frame's model size."""
    from .resample import resample

    image = screenshot if screenshot.mode == "RGB" else screenshot.convert("RGB")
    size = model_size(image.width, image.height, family, min_pixels, max_pixels)
    image = resample(image, size, resampler)
    return image, Frame(screen=screenshot.size, model=size)


def frame_for(screen: tuple[int, int], family: Family, min_pixels: int | None = None,
              max_pixels: int | None = None) -> Frame:
    """The Frame of a screen of `screen` pixels, without an image (for `gui-agent parse`).

    The model size is computed only for families writing absolute pixels, so parsing a
    relative-coordinate reply does not even read transformers' source.
    """
    if family.coords != "absolute":
        return Frame(screen=screen, model=None)
    return Frame(screen=screen, model=model_size(screen[0], screen[1], family, min_pixels, max_pixels))
