"""Full-text search of knowledge articles: one function, whichever database is in use.

`search_articles(query, user, limit)` hides the vendor. On SQLite it reads the FTS5 table
`knowledge_article_fts` (BM25, title weighted ten times the body); on PostgreSQL the
generated `search_vector` column (title weight A, body weight B) with ts_rank. Both were
created by migration 0002 and are kept in step by the database itself.

The same ranking intent on both:

1. Articles matching every word come before articles matching only some of them.
2. Within each of those, articles whose title matches come before body-only matches.
3. Then by the engine's relevance score.

The query is parsed here, once, into words, "quoted phrases" and -excluded words (the
websearch style people know); the last word is a prefix unless the query ends with a
space, so suggestions follow a person as they type. Only letters and digits reach either
engine, so no query can break the engine's own syntax. Readers only ever get published
articles they may read (KnowledgeArticle.objects.visible_to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Expression, IntegerField, Q, Value, When

from knowledge.choices import ArticleStatus
from knowledge.models import KnowledgeArticle

FTS_TABLE = "knowledge_article_fts"
MAX_TERMS = 12
# Words too common to say anything about an IT fault; dropped on both databases alike
# (PostgreSQL's English configuration would drop most of them, SQLite's tokenizer none).
STOP_WORDS = frozenset(
    """a about after again all am an and any are as at be been before being but by can
    cannot could did do does doing dont down for from get gets getting got had has have having
    he her here hi him his how i if im in into is it its ive just keep keeps me more my
    no not now of off on once only or our out over please since so some still than that the
    their them then there these they this to too up us was we were what when where which
    while who why will with won wont would you your""".split()
)
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass
class ParsedQuery:
    """A search query reduced to plain words: terms, phrases, excluded words, a prefix."""

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    prefix: str = ""

    @property
    def positives(self) -> int:
        """How many things an article can match (terms, phrases, the prefix)."""
        return len(self.terms) + len(self.phrases) + (1 if self.prefix else 0)

    def __bool__(self) -> bool:
        return self.positives > 0


def _words(text: str) -> list[str]:
    """Lower-case letters-and-digits words of `text`."""
    return [word.lower() for word in _WORD.findall(text)]


def parse_query(query: str) -> ParsedQuery:
    """Parse what a person typed into words the engines can match safely."""
    parsed = ParsedQuery()
    query = (query or "")[:500]
    typing = bool(query) and not query[-1].isspace() and not query.rstrip().endswith('"')
    tokens = list(_TOKEN.finditer(query))
    seen: set[str] = set()
    for index, token in enumerate(tokens):
        if token.group(2) is not None:
            words = [w for w in _words(token.group(2)) if w not in STOP_WORDS]
            if token.group(1):
                parsed.excluded.extend(words)
            elif len(words) > 1:
                parsed.phrases.append(words)
            elif words and words[0] not in seen:
                seen.add(words[0])
                parsed.terms.append(words[0])
            continue
        words = _words(token.group(4))
        if token.group(3):
            parsed.excluded.extend(w for w in words if w not in STOP_WORDS)
            continue
        last_token = index == len(tokens) - 1
        for position, word in enumerate(words):
            if typing and last_token and position == len(words) - 1:
                # The word being typed: a prefix even when it is a stop word so far ("ou…").
                if word not in seen:
                    parsed.prefix = word
                continue
            if word in STOP_WORDS or word in seen:
                continue
            seen.add(word)
            parsed.terms.append(word)
    if parsed.prefix in seen:
        parsed.prefix = ""
    # Keep the query bounded: the last words typed are the ones being refined.
    parsed.terms = parsed.terms[-MAX_TERMS:]
    return parsed


def search_articles(query: str, user, limit: int = 10) -> list[KnowledgeArticle]:
    """The published articles `user` may read that best match `query`, best first.

    Each article returned carries `search_title_match` (its title matched) and
    `search_all_words` (it matched every word) for display.
    """
    parsed = parse_query(query)
    if not parsed or limit <= 0:
        return []
    readable = KnowledgeArticle.objects.visible_to(user).filter(status=ArticleStatus.PUBLISHED)
    if connection.vendor == "postgresql":
        ranked = _postgres_ranked(parsed, readable, limit)
    else:
        ranked = _sqlite_ranked(parsed, readable, limit)
    return ranked


# --- SQLite FTS5 --------------------------------------------------------------------------
def _fts_quote(word: str) -> str:
    return f'"{word}"'


def _fts_expression(parsed: ParsedQuery, *, every: bool, title_only: bool = False) -> str:
    """The FTS5 MATCH expression: every item (AND) or any item (OR), minus exclusions."""
    items = [_fts_quote(t) for t in parsed.terms]
    items += [_fts_quote(" ".join(words)) for words in parsed.phrases]
    if parsed.prefix:
        items.append(f"{_fts_quote(parsed.prefix)}*")
    expression = f"({(' AND ' if every else ' OR ').join(items)})"
    if title_only:
        expression = f"title : {expression}"
    for word in parsed.excluded:
        expression = f"{expression} NOT {_fts_quote(word)}"
    return expression


def _sqlite_matches(expression: str, title_expression: str) -> list[tuple[int, int, float]]:
    """(article id, title matched 0/1, BM25 score) of every article matching `expression`."""
    sql = f"""
        SELECT rowid,
               rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) AS title_hit,
               bm25({FTS_TABLE}, 10.0, 1.0) AS score
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
    """  # noqa: S608 - the table name is a constant; the expressions are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [title_expression, expression])
        return list(cursor.fetchall())


def _sqlite_ranked(parsed: ParsedQuery, readable, limit: int) -> list[KnowledgeArticle]:
    """Rank on FTS5, then keep the articles the reader may see, in rank order."""
    scored: dict[int, tuple] = {}
    passes = [True] if parsed.positives == 1 else [True, False]
    for every in passes:
        matches = _sqlite_matches(
            _fts_expression(parsed, every=every),
            _fts_expression(parsed, every=every, title_only=True),
        )
        for article_id, title_hit, score in matches:
            # BM25 is better when lower; all-words matches keep the key they got first.
            scored.setdefault(article_id, (0 if every else 1, -int(title_hit), score))
    if not scored:
        return []
    articles = readable.in_bulk(list(scored))
    order = sorted(articles, key=lambda pk: (*scored[pk], pk))[:limit]
    found = []
    for pk in order:
        article = articles[pk]
        article.search_all_words = scored[pk][0] == 0
        article.search_title_match = scored[pk][1] == -1
        found.append(article)
    return found


# --- PostgreSQL ----------------------------------------------------------------------------
class SearchVectorColumn(Expression):
    """The generated `search_vector` column of migration 0002 (not a model field)."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        """Qualified by the article table, which is the only one a search query reads."""
        table = connection.ops.quote_name(KnowledgeArticle._meta.db_table)
        return f"{table}.search_vector", []


def _tsquery_text(parsed: ParsedQuery, *, every: bool, weight: str = "") -> str:
    """to_tsquery text: words, phrases with <->, the prefix with :*, exclusions with !."""
    items = [f"{t}:{weight}" if weight else t for t in parsed.terms]
    items += [
        "(" + " <-> ".join(f"{w}:{weight}" if weight else w for w in words) + ")"
        for words in parsed.phrases
    ]
    if parsed.prefix:
        items.append(f"{parsed.prefix}:*{weight}")
    text = "(" + (" & " if every else " | ").join(items) + ")"
    for word in parsed.excluded:
        text = f"{text} & !{word}"
    return text


def _postgres_ranked(parsed: ParsedQuery, readable, limit: int) -> list[KnowledgeArticle]:
    """Rank with ts_rank over the weighted vector; title (weight A) matches first."""
    from django.contrib.postgres.search import SearchQuery, SearchRank

    def query(every: bool, weight: str = "") -> SearchQuery:
        return SearchQuery(
            _tsquery_text(parsed, every=every, weight=weight),
            search_type="raw",
            config="english",
        )

    vector = SearchVectorColumn()
    found: list[KnowledgeArticle] = []
    passes = [True] if parsed.positives == 1 else [True, False]
    for every in passes:
        candidates = (
            readable.exclude(pk__in=[a.pk for a in found])
            .alias(vector=vector)
            .filter(vector=query(every))
            .annotate(
                search_rank=SearchRank(vector, query(every), weights=[0.1, 0.2, 0.4, 1.0]),
                title_hit=Case(
                    When(Q(vector=query(every, weight="A")), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
            )
            .order_by("-title_hit", "-search_rank", "pk")[: limit - len(found)]
        )
        for article in candidates:
            article.search_all_words = every
            article.search_title_match = bool(article.title_hit)
            found.append(article)
        if len(found) >= limit:
            break
    return found
