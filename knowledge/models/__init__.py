"""Models of problem management and the knowledge base."""

from knowledge.models.articles import ArticleUse, ArticleVersion, Deflection, KnowledgeArticle
from knowledge.models.problems import Problem

__all__ = ["ArticleUse", "ArticleVersion", "Deflection", "KnowledgeArticle", "Problem"]
