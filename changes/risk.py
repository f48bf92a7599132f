"""The short risk questionnaire of a change: likelihood × impact gives the risk level."""

from __future__ import annotations

from changes.choices import RiskLevel

# (key, question, {answer: (likelihood points, impact points)})
QUESTIONS: list[tuple[str, str, dict[str, tuple[int, int]]]] = [
    (
        "tested",
        "Has the change been tested in a non-production environment?",
        {"yes": (0, 0), "partly": (1, 0), "no": (2, 0)},
    ),
    (
        "done_before",
        "Has this team made this kind of change before?",
        {"often": (0, 0), "once": (1, 0), "never": (2, 0)},
    ),
    (
        "users_affected",
        "How many people lose service if it goes wrong?",
        {"few": (0, 0), "department": (0, 1), "council": (0, 2)},
    ),
    (
        "critical_service",
        "Does it touch a critical service (social care, payments, elections)?",
        {"no": (0, 0), "yes": (0, 1)},
    ),
    ("backout", "Can it be backed out quickly?", {"yes": (0, 0), "slowly": (0, 1), "no": (1, 1)}),
]

QUESTION_TEXT = {key: text for key, text, _ in QUESTIONS}


def score(answers: dict[str, str]) -> tuple[int, int]:
    """Likelihood and impact (each 1–4) from the answers; unknown answers count as worst."""
    likelihood, impact = 1, 1
    for key, _text, options in QUESTIONS:
        worst = max(options.values(), key=sum)
        points = options.get(answers.get(key, ""), worst)
        likelihood += points[0]
        impact += points[1]
    return min(likelihood, 4), min(impact, 4)


def level(likelihood: int, impact: int) -> RiskLevel:
    """The risk level of a likelihood × impact product (1–16)."""
    product = likelihood * impact
    if product <= 2:
        return RiskLevel.LOW
    if product <= 6:
        return RiskLevel.MEDIUM
    if product <= 9:
        return RiskLevel.HIGH
    return RiskLevel.VERY_HIGH


def assess(answers: dict[str, str]) -> dict:
    """The stored assessment: answers with their questions, likelihood, impact and level."""
    likelihood, impact = score(answers)
    return {
        "answers": [
            {"key": key, "question": text, "answer": answers.get(key, "")}
            for key, text, _ in QUESTIONS
        ],
        "likelihood": likelihood,
        "impact": impact,
        "level": level(likelihood, impact).value,
    }
