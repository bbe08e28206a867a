"""The policy engine's pattern sets answer as the single-pattern matchers do."""

from iamsql.policy import matches_action, matches_resource
from iamsql.policy.matching import PatternSet


def test_pattern_set_agrees_with_single_patterns():
    """Prefix patterns (one final ``*``) are matched by ``startswith``, the others by a regex: the same answers as
    each pattern alone, with a newline in the value (``*`` spans it) and case-sensitive resources."""
    actions = ["s3:get*", "ec2:describe*", "iam:pas?role", "kms:*crypt", "sts:assumerole", "lambda:*:x*"]
    resources = ["arn:aws:s3:::bucket/*", "arn:aws:s3:::Logs*", "arn:aws:iam::*:role/a?", "arn:aws:sns:::t"]
    action_set, resource_set = PatternSet(actions, ignore_case=True), PatternSet(resources, ignore_case=False)
    assert action_set.prefixes == ("ec2:describe", "s3:get")
    assert resource_set.prefixes == ("arn:aws:s3:::Logs", "arn:aws:s3:::bucket/")
    for value in [
        "s3:getobject",
        "s3:get",
        "s3:put",
        "ec2:describeinstances",
        "ec2:describ",
        "iam:passrole",
        "iam:pasrole",
        "kms:decrypt",
        "kms:decrypts",
        "sts:assumerole",
        "lambda:a:xb",
        "s3:get\nx",
    ]:
        assert action_set.match(value) == any(matches_action(p, value) for p in actions), value
    for value in [
        "arn:aws:s3:::bucket/a/b",
        "arn:aws:s3:::bucket",
        "arn:aws:s3:::Logs",
        "arn:aws:s3:::logs1",
        "arn:aws:iam::1:role/ab",
        "arn:aws:iam::1:role/abc",
        "arn:aws:sns:::t",
        "arn:aws:s3:::Logs\n",
    ]:
        assert resource_set.match(value) == any(matches_resource(p, value) for p in resources), value


def test_pattern_set_of_only_prefixes_has_no_regex():
    patterns = PatternSet(["s3:Get*", "s3:List*", "s3:PutObject"], ignore_case=True)
    assert patterns.regex is None
    assert patterns.match("s3:getobject") and patterns.match("s3:putobject")
    assert not patterns.match("s3:deleteobject") and not patterns.match("ec2:getconsoleoutput")
