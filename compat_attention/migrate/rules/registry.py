"""The rule registry: ``rule`` registers a transformer class as a named rule, in order."""

from collections import namedtuple

Rule = namedtuple("Rule", "name fact targets transformer")

RULES = []
BOTH = ("keras2", "keras3")


def rule(name, fact, targets=BOTH):
    """Register a transformer class as a rule.

    Args:
        name: short unique name, shown in reports.
        fact: the legacy fact the rule fixes, one sentence.
        targets: the Keras generations it applies to.

    Returns:
        A class decorator that appends the rule to ``RULES``.
    """
    def register(cls):
        cls.rule_name = name
        RULES.append(Rule(name, fact, tuple(targets), cls))
        return cls
    return register
