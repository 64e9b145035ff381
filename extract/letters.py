"""Vietnamese letter classes for regexes: [à-ỹ] style ranges mix upper and lower case, these do not."""
LOWER = "a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
UPPER = LOWER.upper().replace("A-Z", "A-Z")
