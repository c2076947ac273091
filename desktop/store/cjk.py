"""Character pairs for searching Chinese, Japanese and Korean text, which has no spaces,
and short words with a symbol ("c#")."""

from __future__ import annotations

import functools
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


def search_pairs(text: str | None) -> str:
    """'会议 Q3' -> '会议| 会|| 议||': the "pairs" column of the search index.

    Each distinct CJK pair ends in one "|" and each CJK character in two, so under the
    trigram tokenizer "会议|" and "会||" are single trigrams that only these entries make:
    one- and two-character words become index lookups like longer ones.
    """
    if not text:
        return ""
    terms: dict[str, None] = {}
    for run in _CJK_RUN.findall(text):
        for i in range(len(run)):
            if i + 1 < len(run):
                terms[run[i : i + 2] + "|"] = None
            terms[run[i] + "||"] = None
    return " ".join(terms)


def search_term(word: str) -> str | None:
    """The "pairs" term of a one- or two-character CJK word, else None."""
    if len(word) in (1, 2) and is_cjk(word):
        return word + "|" * (3 - len(word))
    return None


# A word for short-word search: letters and digits outside the CJK ranges (those have
# their own pairs), so "Q3-report" holds "Q3" and "report" and "会议Q3" holds "Q3".
_WORD_CHAR = r"(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])[^\W_]"
_WORD = re.compile(f"(?:{_WORD_CHAR})+")


def word_prefixes(text: str | None) -> str:
    """'Q3 review' -> 'q3 q re r': the first one and two characters of each word, the
    "words" column of items_words, so a one- or two-character word is a token lookup."""
    if not text:
        return ""
    terms: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        terms[word[:2]] = None
        terms[word[:1]] = None
    return " ".join(terms)


def prefix_term(word: str) -> str | None:
    """The items_words token of a one- or two-character non-CJK word, else None (a
    word with other characters, like "c#", is matched as a substring instead)."""
    if len(word) in (1, 2) and _WORD.fullmatch(word) is not None:
        return word.lower()
    return None


# Characters people write inside short words ("c#", "5%", "a&b", "x-y", "a_b", "€5"): a
# letter or digit beside one of them makes a "pairs" entry. Not sentence punctuation,
# quotes or brackets, which follow most words and would bloat the index; not "|" (the
# entries' marker) nor '"' (FTS5's quote).
SYMBOLS = "#$%&*+-/=@^_~€£¥"
_SYMBOL = "[" + re.escape(SYMBOLS) + "]"
# Overlapping (a lookahead): "c#1" holds "c#" and "#1".
_SYMBOL_PAIR = re.compile(f"(?=({_WORD_CHAR}{_SYMBOL}|{_SYMBOL}{_WORD_CHAR}))")


def pairs_with_symbols(text: str | None) -> str:
    """'会议 C# 5%' -> '会议| 会|| 议|| C#| 5%|': the "pairs" column since migration 7.

    ``search_pairs`` plus each pair of a letter or digit (not CJK) and a ``SYMBOLS``
    character, as typed: the trigram tokenizer folds the case of the entry and the query
    alike, so "C#|" is the single trigram "c#|", which nothing else in the column makes.
    """
    if not text:
        return ""
    symbols = " ".join(dict.fromkeys(pair + "|" for pair in _SYMBOL_PAIR.findall(text)))
    cjk = search_pairs(text)
    return f"{cjk} {symbols}" if cjk and symbols else cjk or symbols


def symbol_term(word: str) -> str | None:
    """The "pairs" term of a two-character word of a letter or digit and a symbol ("c#"),
    else None."""
    if len(word) == 2 and _SYMBOL_PAIR.match(word) is not None:
        return word + "|"
    return None


def has_word_prefixes(text: str | None, tokens: str) -> bool:
    """Whether ``text`` has a word starting with each of the space-separated ``tokens``
    (``prefix_term``s): what items_words answers, for one row. Called per row by the
    search; one regular expression per token instead of every word's prefixes (13 -> ~3 µs
    a row, the Unread view checks hundreds of rows a page)."""
    patterns = _prefix_patterns(tokens)
    if patterns is None:
        return False
    lowered = (text or "").lower()
    return all(p.search(lowered) is not None for p in patterns)


@functools.lru_cache(maxsize=32)
def _prefix_patterns(tokens: str) -> tuple[re.Pattern[str], ...] | None:
    """A pattern per token: the token where a word starts (``_WORD``'s first characters);
    None if a token is not made of word characters, so no word starts with it."""
    patterns = []
    for token in tokens.split():
        if _WORD.fullmatch(token) is None:
            return None
        patterns.append(re.compile(f"(?<!{_WORD_CHAR}){re.escape(token)}"))
    return tuple(patterns)
