"""Character pairs for searching Chinese, Japanese and Korean text, which has no spaces."""

from __future__ import annotations

import re

# Han (incl. extension A and compatibility), kana, Hangul syllables.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def is_cjk(word: str) -> bool:
    return _CJK_RUN.fullmatch(word) is not None


def bigrams(text: str | None) -> str:
    """'会议纪要 Q3' -> '会议 议纪 纪要': every overlapping pair of each CJK run.

    Other text is dropped: the trigram index already serves it.
    """
    if not text:
        return ""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out += [run[i : i + 2] for i in range(len(run) - 1)]
    return " ".join(out)
