"""A government role the text itself gives a person, next to the name and in office at the time of writing."""

from __future__ import annotations

import re

from indexer.enrich.mentions import Found

# A government role written next to the name, in office at the time of writing: "disability minister
# Stephen Timms", "Liz Kendall, the Work and Pensions Secretary,". Not "former", "shadow", "then" or "ex-".
_ROLE = (
    r"(?:(?:disability|disabilities|disabled people's|employment|pensions|welfare|social security|"
    r"work and pensions|DWP|health|welfare reform)\s+minister"
    r"|minister\s+(?:of\s+state\s+)?for\s+(?:disabled\s+people|disability|employment|pensions|"
    r"social\s+security|welfare\s+reform|work)(?:[\w ,&]{0,40}?)?"
    r"|(?:work\s+and\s+pensions|DWP)\s+secretary|secretary\s+of\s+state\s+for\s+work\s+and\s+pensions)"
)
_ROLE_BEFORE_RE = re.compile(
    rf"(?P<qual>\b(?:former|ex|shadow|then|future|acting)[\s-]+)?{_ROLE}\s*,?\s*$", re.I
)
_ROLE_AFTER_RE = re.compile(
    rf"^\s*,\s*(?:the\s+)?(?P<qual>(?:former|ex|shadow|then|future|acting)[\s-]+)?{_ROLE},", re.I
)


# A senior post in the department written next to the name: "Ian Anderson, DWP’s project and programme
# management head of profession,", "DWP permanent secretary Peter Schofield".
_DEPT = r"(?:the\s+)?(?:DWP|Department\s+for\s+Work\s+and\s+Pensions|Jobcentre\s+Plus)(?:'s)?"
_POST = (
    r"(?:head|director(?:\s+general)?|deputy\s+director|chief\s+executive|permanent\s+secretary"
    r"|chief\s+(?:medical|scientific|operating|digital)\s+(?:adviser|advisor|officer))"
)
_DEPT_POST_AFTER_RE = re.compile(rf"^\s*,\s*{_DEPT}\s+(?:[\w-]+\s+){{0,6}}?{_POST}\b", re.I)
_DEPT_POST_BEFORE_RE = re.compile(rf"{_DEPT}\s+{_POST}(?:\s+(?:of|for)\s+[\w\s-]{{1,40}}?)?\s*,?\s*$", re.I)


def text_gives_role(text: str, found: Found) -> bool:
    """The text itself says this person holds a government role now (a role next to the name)."""
    line_start = text.rfind("\n", 0, found.start) + 1
    before = text[max(line_start, found.start - 80) : found.start].replace("’", "'")
    match = _ROLE_BEFORE_RE.search(before)
    if match and not match.group("qual"):
        return True
    if _DEPT_POST_BEFORE_RE.search(before) and not re.search(
        r"\b(?:former|ex|then|shadow)[\s-]+\S*\s*$", before[:-40] if len(before) > 40 else "", re.I
    ):
        return True
    line_end = text.find("\n", found.end)
    after = text[found.end : min(found.end + 80, line_end if line_end != -1 else len(text))].replace("’", "'")
    match = _ROLE_AFTER_RE.match(after)
    if match and not match.group("qual"):
        return True
    return bool(_DEPT_POST_AFTER_RE.match(after))
