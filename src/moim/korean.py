"""Korean particles (조사) chosen by how a name ends when read aloud: 서울이, 멕시코시티가.

A particle has two forms, one after a final consonant (받침) and one after a vowel: 이/가, 을/를,
은/는, 과/와, 이라는/라는, and 으로/로, where a final ㄹ takes 로 as a vowel does (서울로).
Korean writers print both forms, "이(가)", only when they cannot tell; this module always
chooses one, from the final sound of the name:

- Hangul: the last syllable's final consonant.
- Digits: their Korean reading. The last non-zero digit (일 has ㄹ, 삼 ㅁ, 육 ㄱ, 칠 ㄹ, 팔 ㄹ;
  이, 사, 오, 구 none) unless the number ends in zeros, which are read as 십 (ㅂ), 백 (ㄱ),
  천 (ㄴ), 만 (ㄴ); a lone 0 is 영 (ㅇ). 2030 → 이천삼십 → 받침.
- Latin script: a pronunciation heuristic on the last word, after any parenthesis
  ("George Town (Penang)" is read as George Town), following how Korean spells foreign names:
  - an acronym of up to five capitals is read letter by letter; L 엘, M 엠, N 엔, R 알 end in a
    consonant, every other letter's name in a vowel (UN 유엔이, GAVI 가비가, UCLG 유씨엘지가);
  - -l, -ll, -le (Seoul 서울, Istanbul 이스탄불, Seattle 시애틀) → ㄹ; -m, -n, -ng (Region 리전,
    Town 타운) and -ne, -me after a vowel, r or n (Melbourne 멜버른) → a nasal 받침;
  - -k, -ck, -p, -b after a vowel (Bangkok 방콕, Web 웹) → a stop 받침;
  - anything else ends in a vowel: the vowels (Abuja, Jakarta, São Paulo, Mexico City), -r
    (Center 센터), and the consonants Korean spells with a closing 으 or 이 (Smart 스마트,
    World 월드, Ulyanovsk 울랴놉스크, Mashhad 마슈하드, Beyoğlu 베요글루).
  It is a heuristic: a name it reads wrongly can be written in Hangul in its Korean field.
"""

from __future__ import annotations

import re
import unicodedata

# Particle -> (after a final consonant, after a vowel).
PARTICLES: dict[str, tuple[str, str]] = {
    "이가": ("이", "가"),
    "을를": ("을", "를"),
    "은는": ("은", "는"),
    "과와": ("과", "와"),
    "이라는": ("이라는", "라는"),
    "으로": ("으로", "로"),
}

NONE, RIEUL, OTHER = "none", "rieul", "other"  # the kinds of final sound that matter

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL_INDEX = 8  # ㄹ among the 28 finals of a Hangul syllable
_DIGIT_FINAL = {
    "0": OTHER,  # 영
    "1": RIEUL,  # 일
    "2": NONE,  # 이
    "3": OTHER,  # 삼
    "4": NONE,  # 사
    "5": NONE,  # 오
    "6": OTHER,  # 육
    "7": RIEUL,  # 칠
    "8": RIEUL,  # 팔
    "9": NONE,  # 구
}
_LETTER_NAME_FINAL = {"L": RIEUL, "R": RIEUL, "M": OTHER, "N": OTHER}
_TRAILING_PARENTHESES = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_WORD = re.compile(r"[^\W_]+$")
_VOWELS = set("aeiouy")


def final_sound(name: str) -> str:
    """NONE, RIEUL or OTHER: how `name` ends when read aloud in Korean."""
    text = name.strip()
    while True:
        stripped = _TRAILING_PARENTHESES.sub("", text)
        stripped = stripped.rstrip(" \t'\"’”»·.,;:!?-–—")
        if stripped == text:
            break
        text = stripped
    if not text:
        return NONE
    last = text[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        final = (ord(last) - _HANGUL_FIRST) % 28
        return NONE if final == 0 else RIEUL if final == _RIEUL_INDEX else OTHER
    if last.isdigit():
        return _number_final(re.search(r"\d+$", text).group())  # type: ignore[union-attr]
    match = _WORD.search(text)
    return _latin_final(match.group()) if match else NONE


def _number_final(digits: str) -> str:
    significant = digits.lstrip("0")
    if not significant:
        return OTHER  # 영
    zeros = len(significant) - len(significant.rstrip("0"))
    if zeros == 0:
        return _DIGIT_FINAL[significant[-1]]
    return OTHER  # 십 (ㅂ), 백 (ㄱ), 천 (ㄴ), 만 (ㄴ), 억 (ㄱ): all end in a consonant but ㄹ


def _latin_final(word: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    if plain.isupper() and len(plain) <= 5:
        return _LETTER_NAME_FINAL.get(plain[-1], NONE)
    lower = plain.lower()
    if lower.endswith("l"):
        return RIEUL
    if lower.endswith(("m", "n", "ng")):
        return OTHER
    if lower.endswith("le"):
        return RIEUL
    if lower.endswith(("ne", "me")) and len(lower) > 2 and lower[-3] in _VOWELS | {"r", "n"}:
        return OTHER
    if lower.endswith(("k", "p", "b")) and len(lower) > 1:
        before = lower[-2] if lower[-2] != "c" else lower[-3:-2]
        if before and before in _VOWELS - {"y"}:
            return OTHER
    return NONE


def with_particle(name: object, particle: str) -> str:
    """`name` followed by the form of `particle` (a key of PARTICLES) that fits it."""
    if particle not in PARTICLES:
        raise ValueError(f"unknown particle {particle!r}; use one of {', '.join(PARTICLES)}")
    text = str(name)
    after_consonant, after_vowel = PARTICLES[particle]
    sound = final_sound(text)
    if particle == "으로":
        return text + (after_consonant if sound == OTHER else after_vowel)
    return text + (after_vowel if sound == NONE else after_consonant)
