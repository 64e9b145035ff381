"""Vietnamese letter classes for regexes: [à-ỹ] style ranges mix upper and lower case, these do not."""
LOWER = "a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
UPPER = LOWER.upper().replace("A-Z", "A-Z")


def _fold_char(c: str) -> str:
    import unicodedata
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[:1] or c
    low = base.lower()
    return low if len(low) == 1 else base


# One character in, one character out: diacritics and case removed, đ/Đ to d (SQLite FTS5's unicode61
# keeps đ). Length-preserving, so offsets into the folded text are offsets into the original.
FOLD_TABLE = {i: _fold_char(chr(i)) for i in range(0x3000) if _fold_char(chr(i)) != chr(i)}


def fold_chars(s: str) -> str:
    return s.translate(FOLD_TABLE)
