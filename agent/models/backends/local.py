"""Running a Qwen-VL checkpoint in this process with transformers (hub id or local folder)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from drivers.base import require

from ..families import architecture
from .base import BackendError, Generation, time_left

if TYPE_CHECKING:
    from ..grammars import Grammar

_END = ("<|im_end|>", "<|endoftext|>")
_log = logging.getLogger(__name__)


class TransformersOptions(BaseModel):
    """How to load and run the model locally."""

    model_config = ConfigDict(extra="forbid")

    dtype: str = "auto"
    """Weights dtype: auto (the checkpoint's), bfloat16, float16, float32."""
    device_map: str | None = None
    """Where to put the weights: None (CPU, or as loaded), "auto" (accelerate spreads them), "cuda:0"..."""
    attn_implementation: str | None = None
    """Attention kernel: None (default), "sdpa", "flash_attention_2", "eager"."""
    quantization: Literal["4bit", "8bit"] | None = None
    """Load with bitsandbytes quantisation (needs a CUDA GPU and the bitsandbytes package)."""
    do_sample: bool = False
    """Greedy decoding (False) keeps runs reproducible."""
    temperature: float | None = Field(None, gt=0)
    """Sampling temperature, used only with do_sample."""
    revision: str | None = None
    """Hub revision (branch, tag or commit) to load."""
    trust_remote_code: bool = False
    """Allow code shipped with the checkpoint (not needed for Qwen-VL in recent transformers)."""
    constrained: bool = True
    """Constrained decoding: every reply follows the family's grammar, so it always parses
    (needs llguidance, in the `qwen` extra; without it replies are unconstrained). False turns it off."""


class TransformersBackend:
    """A checkpoint loaded with its processor; `generate` is greedy by default.

    The images arrive already smart-resized, and the processor is called with do_resize=False,
    so it cannot resize them a second time; the patch grid it reports is checked against them.
    """

    name = "transformers"

    def __init__(self, model: str, options: TransformersOptions | None = None):
        self.options = options or TransformersOptions()
        self.model_id = model
        torch = require("torch", "qwen")
        transformers = require("transformers", "qwen")
        opts = self.options
        load: dict[str, Any] = {"trust_remote_code": opts.trust_remote_code}
        if opts.revision:
            load["revision"] = opts.revision
        try:
            config = transformers.AutoConfig.from_pretrained(model, **load)
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot load model config for {model!r}: {str(exc).splitlines()[0]}") from None
        self.model_type: str | None = config.model_type
        kwargs: dict[str, Any] = dict(load)
        kwargs["dtype"] = opts.dtype if opts.dtype == "auto" else getattr(torch, opts.dtype)
        if opts.device_map:
            kwargs["device_map"] = opts.device_map
        if opts.attn_implementation:
            kwargs["attn_implementation"] = opts.attn_implementation
        if opts.quantization:
            require("bitsandbytes", "qwen")
            kwargs["quantization_config"] = transformers.BitsAndBytesConfig(
                load_in_4bit=opts.quantization == "4bit", load_in_8bit=opts.quantization == "8bit")
        # The class the families name for this architecture; the Auto class for any other.
        arch = architecture(self.model_type)
        cls_name = arch.model_class if arch else "AutoModelForImageTextToText"
        model_cls = getattr(transformers, cls_name, transformers.AutoModelForImageTextToText)
        try:
            self.model = model_cls.from_pretrained(model, **kwargs).eval()
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot load model {model!r}: {str(exc).splitlines()[0]}") from None
        from .processor import load_processor

        self.processor, self.processor_kind = load_processor(model, self.model_type, **load)
        self.patch_size = int(self.processor.image_processor.patch_size)
        self.factor = self.patch_size * int(self.processor.image_processor.merge_size)
        self._constrainer = None
        """The llguidance glue (backends/constrained.py), built on the first constrained reply."""

    def template_messages(self, messages: list[dict]) -> tuple[list[dict], list]:
        """Messages with image placeholders for the chat template, and the images in order."""
        out, images = [], []
        for message in messages:
            content = []
            for part in message["content"]:
                if part["type"] == "image":
                    images.append(part["image"])
                    content.append({"type": "image"})
                else:
                    content.append({"type": "text", "text": part["text"]})
            out.append({"role": message["role"], "content": content})
        return out, images

    def generate(self, messages: list[dict], max_new_tokens: int, *,
                 deadline: float | None = None, grammar: "Grammar | None" = None) -> Generation:
        """The model's reply to `messages`, with token counts and the time it took.

        With a `grammar` (and options.constrained, and llguidance installed) every token is one
        the grammar allows, so the reply matches it unless max_new_tokens or `deadline` cut it.
        Generation stops at `deadline` (transformers' max_time); whatever the processor or
        generate() raise (a bad input, out of memory) becomes one BackendError line.
        """
        started = time.perf_counter()
        chat, images = self.template_messages(messages)
        self.check_sizes(images)
        try:
            text = self.processor.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
            inputs = self.processor(text=[text], images=images or None, return_tensors="pt",
                                    images_kwargs={"do_resize": False})
        except Exception as exc:  # the processor's own checks (token counts, sizes): never a traceback
            raise BackendError(f"the processor refused the prompt: {_one_line(exc)}") from None
        self.check_grid(inputs.get("image_grid_thw"), images)
        gen = self.generation_options(max_new_tokens, deadline)
        constrainer, processor = self.constrainer(grammar), None
        if constrainer is not None:
            from transformers import LogitsProcessorList

            processor = constrainer.processor(grammar)
            gen["logits_processor"] = LogitsProcessorList([processor])
        output = self.generate_ids(inputs, gen)
        prompt_len = int(inputs["input_ids"].shape[1])
        new_tokens = output[0, prompt_len:]
        # Keep special tokens: <|box_start|> and friends carry Qwen2-VL / UI-TARS coordinates.
        reply = clean_reply(self.processor.tokenizer.decode(new_tokens, skip_special_tokens=False))
        return Generation(text=reply, prompt_tokens=prompt_len, completion_tokens=int(new_tokens.shape[0]),
                          latency_ms=round((time.perf_counter() - started) * 1000, 1),
                          constrained=processor is not None,
                          info={"constraint_ms": round(processor.seconds * 1000, 2)} if processor else {})

    def check_sizes(self, images: list) -> None:
        """Refuse an image the one smart resize did not make: the processor would resize it again."""
        for image in images:
            if image.size[0] % self.factor or image.size[1] % self.factor:
                raise BackendError(f"image {image.size[0]}x{image.size[1]} is not a multiple of {self.factor}: "
                                   "it must come from the one smart resize (agent.models.resize.fit)")

    def generation_options(self, max_new_tokens: int, deadline: float | None) -> dict[str, Any]:
        """generate()'s keyword arguments for length, sampling and the step's deadline."""
        gen: dict[str, Any] = {"max_new_tokens": max_new_tokens, "do_sample": self.options.do_sample}
        if self.options.do_sample and self.options.temperature:
            gen["temperature"] = self.options.temperature
        if (left := time_left(deadline)) is not None:
            gen["max_time"] = left
        return gen

    def constrainer(self, grammar: "Grammar | None"):
        """The Constrainer for this reply, or None: no grammar, turned off, or no llguidance
        (said once, with the install hint)."""
        if grammar is None or not self.options.constrained:
            return None
        if self._constrainer is None:
            from drivers.base import MissingDependency

            try:
                from .constrained import Constrainer

                eos = self.model.generation_config.eos_token_id
                eos_ids = list(eos) if isinstance(eos, (list, tuple)) else [eos]
                self._constrainer = Constrainer(self.processor.tokenizer, [i for i in eos_ids if i is not None])
            except MissingDependency as exc:
                _log.warning("replies are not constrained: %s", exc)
                self._constrainer = False
        return self._constrainer or None

    def generate_ids(self, inputs, gen: dict[str, Any]):
        import torch

        try:
            with torch.inference_mode():
                return self.model.generate(**inputs.to(self.model.device), **gen)
        except Exception as exc:  # out of memory, a device lost, a kernel that refuses the input
            raise BackendError(f"generate() failed: {_one_line(exc)}") from None

    def check_grid(self, grid, images: list) -> None:
        """Fail loudly if the processor saw any image at another size than we sent."""
        if grid is None:
            return
        for (t, gh, gw), image in zip(grid.tolist(), images):
            if (gw * self.patch_size, gh * self.patch_size) != image.size:
                raise BackendError(f"the processor resized an image from {image.size[0]}x{image.size[1]} to "
                                   f"{gw * self.patch_size}x{gh * self.patch_size}; coordinates would be off")


def clean_reply(text: str) -> str:
    """The reply up to the end of the turn, without end-of-text tokens."""
    for end in _END:
        text = text.split(end)[0] if end == "<|im_end|>" else text.replace(end, "")
    return text


def _one_line(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:300]}" if first else type(exc).__name__
