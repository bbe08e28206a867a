"""Amazon Cognito identity pools: a pool that admits unauthenticated identities hands its unauthenticated role's
credentials to anyone (GetId and GetCredentialsForIdentity need no IAM permission), so a powerful guest role is an
alarm (cognito_identity_pool_unauthenticated_role_not_powerful); and a role trusting Cognito identities is limited
by the pool it names (cognito-identity.amazonaws.com:aud), never by amr, which names a kind of identity
(iam_role_oidc_trust_has_sub_condition). The escalation path that sets a pool's roles acts on an existing pool: with
the pool table loaded and empty there is nothing to act on, and a statement naming one pool allows nothing (the
action has no resource-level permissions).

Account 123456789012, as of 2024-03-01."""

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, base, managed, role, user

POOLS_CONTROL = "cognito_identity_pool_unauthenticated_role_not_powerful"
OIDC_CONTROL = "iam_role_oidc_trust_has_sub_condition"
REGION = "us-east-1"
COGNITO = "cognito-identity.amazonaws.com"


def guests_trust(**condition) -> dict:
    return assume({"Federated": COGNITO}, Action="sts:AssumeRoleWithWebIdentity", Condition=condition)


def pool_trust(pool_id: str) -> dict:
    return guests_trust(StringEquals={f"{COGNITO}:aud": pool_id},
                        **{"ForAnyValue:StringLike": {f"{COGNITO}:amr": "unauthenticated"}})


def pool_id(name: str) -> str:
    return f"{REGION}:{name}-0000-0000-0000-000000000000"


def pool_arn(name: str) -> str:
    return f"arn:aws:cognito-identity:{REGION}:{ACCOUNT}:identitypool/{pool_id(name)}"


def pool(name: str, unauthenticated, guest_role: str | None = "", roles_loaded: bool = True,
         basic_flow: bool | None = None) -> dict:
    """A pool; ``guest_role`` names its unauthenticated role ("": the pool's own name); ``basic_flow``: its
    allow_classic_flow (None: not loaded)."""
    role_name = name if guest_role == "" else guest_role
    roles = ({"unauthenticated": arn("role", role_name)} if role_name else {}) if roles_loaded else None
    return {**base(), "region": REGION, "identity_pool_id": pool_id(name), "identity_pool_name": name,
            "allow_unauthenticated_identities": unauthenticated, "allow_classic_flow": basic_flow, "roles": roles,
            "akas": [pool_arn(name)]}


ROLES = [
    role("guests-admin", pool_trust(pool_id("guests-admin")), attached=[ADMIN]),
    role("guests-keys", pool_trust(pool_id("guests-keys")), statements=[allow("iam:CreateAccessKey")]),
    role("guests-weak", pool_trust(pool_id("guests-weak")), statements=[allow("s3:GetObject", "arn:aws:s3:::app/*")]),
    role("members-admin", pool_trust(pool_id("members-admin")), attached=[ADMIN]),
    role("guests-unloaded", pool_trust(pool_id("guests-unloaded")), attached=["arn:aws:iam::aws:policy/NotLoaded"]),
    # an administrator role handed to the pool whose trust admits only EC2: Cognito cannot assume it for anyone
    role("guests-ec2-trust", assume({"Service": "ec2.amazonaws.com"}), attached=[ADMIN]),
    # administrator roles handed to guests whose trust does not admit this pool's guests: only signed-in identities,
    # only another pool's; and one admitting this pool's identities of any kind (no amr condition)
    role("guests-members-trust", guests_trust(StringEquals={f"{COGNITO}:aud": pool_id("guests-members-trust")},
                                              **{"ForAnyValue:StringLike": {f"{COGNITO}:amr": "authenticated"}}),
         attached=[ADMIN]),
    role("guests-other-pool", pool_trust(pool_id("some-other-pool")), attached=[ADMIN]),
    role("guests-any-kind", guests_trust(StringEquals={f"{COGNITO}:aud": pool_id("guests-any-kind")}),
         attached=[ADMIN]),
    # administrator roles of pools with and without the basic flow; one whose power is not known
    role("enhanced-admin", pool_trust(pool_id("enhanced-admin")), attached=[ADMIN]),
    role("basic-admin", pool_trust(pool_id("basic-admin")), attached=[ADMIN]),
    role("enhanced-keys", pool_trust(pool_id("enhanced-keys")), statements=[allow("iam:CreateAccessKey")]),
    role("enhanced-unloaded", pool_trust(pool_id("enhanced-unloaded")), attached=["arn:aws:iam::aws:policy/NotLoaded"]),
    # trusts of Cognito identities: one limited to a pool, one only to unauthenticated identities of any pool
    role("any-pool-guests", guests_trust(**{"ForAnyValue:StringLike": {f"{COGNITO}:amr": "unauthenticated"}}),
         statements=[allow("s3:GetObject", "arn:aws:s3:::app/*")]),
]
POOLS = [
    pool("guests-admin", True),
    pool("guests-keys", True),
    pool("guests-weak", True),
    pool("members-admin", False),
    pool("guests-roles-not-loaded", True, roles_loaded=False),
    pool("guests-no-role", True, guest_role=None),
    pool("guests-ghost-role", True, guest_role="deleted-role"),
    pool("guests-unloaded", True),
    pool("guests-ec2-trust", True),
    pool("not-described", None),
    pool("guests-members-trust", True),
    pool("guests-other-pool", True),
    pool("guests-any-kind", True),
    pool("enhanced-admin", True, basic_flow=False),
    pool("basic-admin", True, basic_flow=True),
    pool("enhanced-keys", True, basic_flow=False),
    pool("enhanced-unloaded", True, basic_flow=False),
]
EXPECTED = {
    "guests-admin": "alarm",
    "guests-keys": "alarm",  # iam:CreateAccessKey on any user: an escalation path
    "guests-weak": "ok",
    "members-admin": "ok",  # no unauthenticated identities: its roles need a login the pool accepts
    "guests-roles-not-loaded": "skip",
    "guests-no-role": "ok",
    "guests-ghost-role": "skip",
    "guests-unloaded": "skip",  # the role's power depends on a policy that is not loaded
    "guests-ec2-trust": "ok",
    "not-described": "skip",
    "guests-members-trust": "ok",  # its trust admits only authenticated identities (amr)
    "guests-other-pool": "ok",  # its trust admits another pool's identities (aud)
    "guests-any-kind": "alarm",  # its trust admits this pool's identities, unauthenticated ones too
    # without the basic flow guests get the role through the enhanced flow only, scoped down by Cognito's session
    # policy, which allows no IAM, STS or code-running action: no administrator power or escalation path is left
    "enhanced-admin": "ok",
    "basic-admin": "alarm",
    "enhanced-keys": "ok",
    "enhanced-unloaded": "ok",  # whatever the policy that is not loaded allows, the session policy removes it
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("pools") / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [])
        db.insert_rows(con, "aws_iam_role", snapshot, ROLES)
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, [managed("AdministratorAccess", allow("*"), aws=True)])
        db.insert_rows(con, "aws_cognito_identity_pool", snapshot, POOLS)
    run = controls.run_checks(con, controls=[POOLS_CONTROL, OIDC_CONTROL])
    found = {(r["control_id"], r["resource"]): r for r in controls.results(con, run)}
    con.close()
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pool(results, name):
    row = results[(POOLS_CONTROL, pool_arn(name))]
    assert row["status"] == EXPECTED[name], row["reason"]


def test_the_alarm_names_the_role_and_its_power(results):
    reason = results[(POOLS_CONTROL, pool_arn("guests-keys"))]["reason"]
    assert arn("role", "guests-keys") in reason and "CreateAccessKey" in reason and "without signing in" in reason


def test_a_pool_without_the_basic_flow_says_the_session_policy_leaves_guests_nothing(results):
    reason = results[(POOLS_CONTROL, pool_arn("enhanced-admin"))]["reason"]
    assert "does not offer them the basic flow" in reason and "AmazonCognitoUnAuthedIdentitiesSessionPolicy" in reason


def test_guests_keep_the_powers_the_session_policy_allows(tmp_path):
    """A question whose every action the enhanced flow's session policy allows (KMS decryption) keeps the role's
    answer for the pool's guests; one it does not (an access key) is closed to them."""
    questions = tmp_path / "access.yaml"
    questions.write_text("questions:\n  full_admin:\n    requests: [[iamsqlprobe:AnyAction, any]]\n"
                         "escalation:\n  DecryptAnyKey: [[kms:Decrypt, catalog]]\n"
                         "  CreateAccessKey: [[iam:CreateAccessKey, user]]\n")
    guest = role("decrypting-guest", pool_trust(pool_id("decrypting")),
                 statements=[allow(["kms:Decrypt", "iam:CreateAccessKey"])])
    con = db.connect(tmp_path / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [])
        db.insert_rows(con, "aws_iam_role", snapshot, [guest])
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, [])
        db.insert_rows(con, "aws_cognito_identity_pool", snapshot, [pool("decrypting", True, "decrypting-guest")])
    create_tables(con, questions, tables=["iam_principal_access"])
    kept = con.execute("select title, decision, detail from iam_principal_access "
                       "where question = 'identity_pool_guest_enhanced'").fetchall()
    con.close()
    assert kept == [("privilege escalation through DecryptAnyKey", "Allowed", pool_arn("decrypting"))]


def test_a_guest_role_trusting_another_pool_is_not_assumable_by_this_one(results):
    reason = results[(POOLS_CONTROL, pool_arn("guests-other-pool"))]["reason"]
    assert "does not admit the unauthenticated identities of this pool" in reason


def test_a_cognito_trust_is_limited_by_the_pool_it_names_not_by_amr(results):
    assert results[(OIDC_CONTROL, arn("role", "guests-weak"))]["status"] == "ok"
    anyone = results[(OIDC_CONTROL, arn("role", "any-pool-guests"))]
    assert anyone["status"] == "alarm", anyone["reason"]


# ---- the Cognito escalation path (PassRole+CognitoSetIdentityPoolRoles) and the loaded pools ---------------------
COGNITO_PATH = "escalation:PassRole+CognitoSetIdentityPoolRoles"


def setter(name: str, pools) -> dict:
    """A user allowed to set the roles of ``pools`` and to pass any role."""
    return user(name, allow("cognito-identity:SetIdentityPoolRoles", pools), allow("iam:PassRole"))


def cognito_path(tmp_path, pools: list[dict] | None, setters: list[dict]) -> dict[str, str | None]:
    """The Cognito path's decision per user, with ``pools`` loaded as the account's identity pools (None: the table
    is not loaded); an administrator role trusting a pool's guests is there to be passed."""
    con = db.connect(tmp_path / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, setters)
        db.insert_rows(con, "aws_iam_role", snapshot, [ROLES[0]])
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, [managed("AdministratorAccess", allow("*"), aws=True)])
        if pools is not None:
            db.insert_rows(con, "aws_cognito_identity_pool", snapshot, pools)
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    found = dict(con.execute("select principal_arn, decision from iam_principal_access where question = ?",
                             [COGNITO_PATH]).fetchall())
    con.close()
    return {s["name"]: found.get(s["arn"]) for s in setters}


SETTERS = [setter("set-any-pool", "*"), setter("set-named-pool", pool_arn("guests-admin"))]


def test_setting_the_roles_of_any_pool_opens_the_path_when_pools_exist(tmp_path):
    found = cognito_path(tmp_path, [pool("guests-admin", True)], SETTERS)
    assert found["set-any-pool"] == "Allowed"
    # SetIdentityPoolRoles has no resource-level permissions (Service Authorization Reference: no resource type), so
    # IAM asks it on "*": a statement naming one pool never allows it
    assert found["set-named-pool"] is None


def test_no_loaded_pool_leaves_nothing_to_set_roles_on(tmp_path):
    assert cognito_path(tmp_path, [], SETTERS) == {"set-any-pool": None, "set-named-pool": None}


def test_without_the_pool_table_the_path_is_judged_from_the_statements(tmp_path):
    assert cognito_path(tmp_path, None, SETTERS) == {"set-any-pool": "Allowed", "set-named-pool": None}
