"""Constrained decoding for the local backend: llguidance masks every token that would take the
reply out of the family's grammar (agent/models/grammars), so the reply always parses.

llguidance (a Rust library, no dependencies) does all the grammar work: it compiles the regex,
follows the tokens generated, and computes the set of allowed next tokens. This module only
hands it the tokenizer, feeds it each new token and applies its mask to the logits.

Light to import; torch and llguidance load when the first processor is made.
"""

from __future__ import annotations

import copy
import json
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from drivers.base import require

if TYPE_CHECKING:
    import torch

    from ..grammars import Grammar

_CACHED = 16
"""Compiled grammars kept (one per family, platform and screen size in use)."""


def llguidance_tokenizer(tokenizer, eos_ids: list[int]):
    """An llguidance tokenizer for a transformers fast tokenizer, stopping on `eos_ids`.

    llguidance treats every added token as special, and never lets a special token stand for the
    text a grammar asks for. So the added tokens whose text a reply may hold (`<|box_start|>`,
    `<tool_call>`: printable ASCII, which a byte-level vocabulary spells as it is) become
    ordinary vocabulary here: the model may write them as it was trained to, in one token.
    The end-of-turn tokens stay special: llguidance allows them once the reply is complete.
    """
    llguidance = require("llguidance", "qwen")
    backend = copy.copy(tokenizer.backend_tokenizer)
    backend.no_padding()
    backend.no_truncation()
    data = json.loads(backend.to_str())
    kept = []
    for token in data.get("added_tokens", []):
        text = token["content"]
        if (token["id"] not in eos_ids and data.get("model", {}).get("type") == "BPE" and text.isascii()
                and text.isprintable() and " " not in text):
            data["model"]["vocab"][text] = token["id"]
        else:
            kept.append(token)
    data["added_tokens"] = kept
    return llguidance.LLTokenizer(json.dumps(data), eos_token=eos_ids)


class Constrainer:
    """Makes logits processors for one tokenizer; compiled grammars are cached by pattern."""

    def __init__(self, tokenizer, eos_ids: list[int]):
        self._llguidance = require("llguidance", "qwen")
        self.tokenizer = llguidance_tokenizer(tokenizer, eos_ids)
        self._compiled: OrderedDict[str, object] = OrderedDict()

    def matcher(self, grammar: "Grammar"):
        """A fresh matcher at the start of `grammar`; ValueError if llguidance refuses the pattern."""
        llg = self._llguidance
        compiled = self._compiled.get(grammar.regex)
        if compiled is None:
            compiled = llg.LLMatcher(self.tokenizer, llg.LLMatcher.grammar_from_regex(grammar.regex))
            if compiled.is_error():
                raise ValueError(f"llguidance refused the {grammar.family} grammar: {compiled.get_error()[:200]}")
            self._compiled[grammar.regex] = compiled
            if len(self._compiled) > _CACHED:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(grammar.regex)
        return compiled.deep_copy()

    def processor(self, grammar: "Grammar") -> "GrammarProcessor":
        """A logits processor for one generate() call."""
        return GrammarProcessor(self, grammar)


class GrammarProcessor:
    """A transformers logits processor: `scores` of every token the grammar does not allow next
    become -inf. One per generate() call (it follows that call's tokens)."""

    def __init__(self, constrainer: Constrainer, grammar: "Grammar"):
        self.constrainer, self.grammar = constrainer, grammar
        self.matchers: list = []
        self.prompt_len: int | None = None
        self.seconds = 0.0
        """Time spent here (compiling the grammar on first use, following tokens, masking)."""
        import torch

        self._torch = torch
        self._shifts = torch.arange(32, dtype=torch.int32)

    def __call__(self, input_ids: "torch.LongTensor", scores: "torch.FloatTensor") -> "torch.FloatTensor":
        started = time.perf_counter()
        try:
            return self._mask(input_ids, scores)
        finally:
            self.seconds += time.perf_counter() - started

    def _mask(self, input_ids: "torch.LongTensor", scores: "torch.FloatTensor") -> "torch.FloatTensor":
        torch = self._torch
        if self.prompt_len is None:
            self.prompt_len = input_ids.shape[1]
            self.matchers = [self.constrainer.matcher(self.grammar) for _ in range(input_ids.shape[0])]
        elif input_ids.shape[1] > self.prompt_len:
            for row, matcher in enumerate(self.matchers):
                if not matcher.consume_token(int(input_ids[row, -1])):
                    raise RuntimeError(f"constrained decoding lost the grammar: {matcher.get_error()[:200]}")
        vocab = scores.shape[-1]
        for row, matcher in enumerate(self.matchers):
            bits = torch.frombuffer(bytearray(matcher.compute_bitmask()), dtype=torch.int32)
            allowed = ((bits.unsqueeze(-1) >> self._shifts) & 1).flatten().bool()
            keep = torch.zeros(vocab, dtype=torch.bool)
            n = min(vocab, allowed.shape[0])
            keep[:n] = allowed[:n]
            scores[row].masked_fill_(~keep.to(scores.device), float("-inf"))
        return scores
