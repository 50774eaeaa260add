"""English: no register of address to check ("you" is both); the other checks apply."""

from amends.replies.languages import LanguageData

LANGUAGE = LanguageData(
    code="en",
    greetings={
        "dear": None,
        "hello": None,
        "hi": None,
        "hey": None,
        "hiya": None,
        "greetings": None,
        "good morning": None,
        "good afternoon": None,
        "good evening": None,
        "good day": None,
    },
    acknowledgements=(
        r"\b(?:i|we)\s+(?:completely |fully |totally |really |can )?(?:understand|get|see|know|"
        r"appreciate|realise|realize|hear you)\b",
        r"\b(?:i|we)(?:'m| am|'re| are)\s+(?:so |very |really |truly )?sorry to (?:hear|read|"
        r"learn|see)\b",
        r"\bsorry to (?:hear|read|learn|see)\b",
        r"\bthanks?(?: you)?(?: so much| very much)? for (?:letting us know|your (?:message|"
        r"e-?mail|patience|note|report|feedback|question|request)|telling us|reaching out|"
        r"getting in touch|contacting us|writing|the (?:photos?|pictures?|details)|flagging|"
        r"explaining|reporting)\b",
        r"\b(?:that|this) (?:must be|is|sounds)\s+(?:\w+\s+)?(?:frustrating|annoying|"
        r"disappointing|upsetting|inconvenient|stressful|worrying|not what you expected)\b",
        r"\bi can (?:only )?imagine\b",
        r"\byou(?:'ve| have)? (?:told|let|written|wrote|mentioned|reported|explained)\b",
        r"\byou(?:'re| are) right\b",
    ),
    apologies=(
        r"\bsorry\b",
        r"\bapologi[sz](?:e|ing)\b",
        r"\bapolog(?:y|ies)\b",
        r"\bwe regret\b",
        r"\bmy bad\b",
    ),
    actions=(
        r"\b(?:we|i)(?:'ll| will| shall|'re going to| are going to|'m going to| am going to)\b",
        r"\byou(?:'ll| will) (?:receive|get|have|see|hear|be)\b",
        r"\b(?:it|they|this|that|the \w+|your \w+)(?:'ll| will) (?:be|arrive|reach|show|"
        r"appear)\b",
        r"\bwill be\b",
        r"\bwe(?:'re| are) (?:sending|refunding|arranging|shipping|calling|issuing|processing|"
        r"booking|replacing)\b",
        r"\b(?:expect|scheduled|planned)\b",
    ),
    relative_days={
        r"\btoday\b": 0,
        r"\btonight\b": 0,
        r"\bthis (?:morning|afternoon|evening)\b": 0,
        r"\b(?:the )?end of (?:the |to)?day\b": 0,
        r"\btomorrow\b": 1,
        r"\bthe day after tomorrow\b": 2,
    },
    within=r"within(?: the next)?|in(?: the next)?",
    units={
        r"(?:business|working) days?": "business_day",
        r"days?": "day",
        r"hours?|hrs?|h": "hour",
        r"weeks?": "week",
    },
    numbers={
        "one": 1,
        "a": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
    },
    times=(
        r"\b(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<pm>am|pm|a\.m\.|p\.m\.)",
        r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b",
    ),
    fallbacks={
        "customer_name": "customer",
        "order_number": "",
        "carrier": "the carrier",
        "tracking_number": "",
        "remedy": "a solution",
        "amount": "the amount",
        "agent_name": "Customer service",
        "shop_name": "our shop",
    },
)
