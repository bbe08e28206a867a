"""The policy engine's pattern sets answer as the single-pattern matchers do."""

from iamsql.policy import matches_action, matches_arn, matches_resource
from iamsql.policy.matching import PatternSet, resource_glob_to_regex


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


def test_resource_wildcards_stay_in_their_segment_unless_a_star_ends_it():
    """IAM User Guide, "IAM JSON policy elements: Resource": wildcards work within the colon-separated segments of
    an ARN; only a ``*`` that is the last character of its segment expands beyond colons."""
    alias = "arn:aws:lambda:us-east-1:111122223333:function:api:blue-prod"
    assert not matches_resource("arn:aws:lambda:us-east-1:111122223333:function:*-prod", alias)
    assert matches_resource("arn:aws:lambda:us-east-1:111122223333:function:*", alias)
    assert matches_resource("arn:aws:lambda:*:111122223333:function:api:*", alias)
    assert not matches_resource("arn:aws:lambda:us-east-1:111122223333:function:api?blue-prod", alias)
    assert matches_resource("arn:aws:lambda:us-east-1:111122223333:function:api?blue-prod", alias.replace("api:", "api-"))
    patterns = ["arn:aws:s3:::bucket/*.json", "arn:aws:s3:::bucket/a/*"]
    pattern_set = PatternSet(patterns, ignore_case=False, to_regex=resource_glob_to_regex)
    for value in ["arn:aws:s3:::bucket/x.json", "arn:aws:s3:::bucket/10:00.json", "arn:aws:s3:::bucket/a/1:2"]:
        assert pattern_set.match(value) == any(matches_resource(p, value) for p in patterns), value
    assert not pattern_set.match("arn:aws:s3:::bucket/10:00.json")


def test_arn_patterns_compare_six_components():
    """"Each of the six colon-delimited components of the ARN is checked separately" (IAM User Guide, ARN condition
    operators): a pattern of five components leaves the resource component unchecked, so it matches no full ARN; a
    wildcard crosses ``:`` only in the sixth component; ``*`` alone matches every value."""
    topic = "arn:aws:sns:us-east-1:111122223333:alerts"
    stream = "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:web"
    assert not matches_arn("arn:aws:sns:*:*", topic)
    assert not matches_arn("arn:aws:sns:*", topic)
    assert matches_arn("arn:aws:sns:*:*:*", topic)
    assert not matches_arn("arn:aws:sns:*:*:*", "arn:aws:sns:us-east-1:111122223333")
    assert matches_arn("arn:aws:logs:*:*:log-group:*", stream)
    assert not matches_arn("arn:aws:sns:*:alerts:*", topic)  # the account component is checked against "alerts"
    assert matches_arn("*", topic) and matches_arn("*", "not-an-arn")
