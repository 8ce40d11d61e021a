//! IAM Identity Center as the console shows it: the IAM role a portal sign-in
//! lands in is `AWSReservedSSO_<PermissionSet>_<16 hex>`, and an Identity
//! Center environment is named by its permission set. This module owns that
//! mapping, and the role keys that matching ([`crate::console::identity::match_environment`])
//! and the banner lookup ([`crate::console::lookup::BannerLookup`]) compare.
//!
//! Depends only on the model.

use crate::model::Environment;

/// The prefix AWS gives the IAM role of every permission set it provisions.
pub const RESERVED_PREFIX: &str = "AWSReservedSSO_";

/// The lookup keys of Identity Center roles start with this (after it: the
/// permission set's name in lower case), so that an IAM role and a permission
/// set of the same name in one account stay apart.
pub const SSO_KEY_PREFIX: &str = "sso:";

/// The permission set of a role named `AWSReservedSSO_<PermissionSet>_<hash>`
/// (the prefix in any case; the hash 16 hex digits, either case): everything
/// between the prefix and the last `_`, which may itself contain `_`. `None`
/// for any other role name.
///
/// ```
/// use roleswitch::reserved_permission_set;
/// assert_eq!(
///     reserved_permission_set("AWSReservedSSO_Admin_Access_0123456789abcdef"),
///     Some("Admin_Access")
/// );
/// assert_eq!(reserved_permission_set("OrganizationAccountAccessRole"), None);
/// ```
pub fn reserved_permission_set(role: &str) -> Option<&str> {
    let prefix = role.get(..RESERVED_PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(RESERVED_PREFIX) {
        return None;
    }
    let rest = &role[RESERVED_PREFIX.len()..];
    let (set, hash) = rest.rsplit_once('_')?;
    let hash_ok = hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    (hash_ok && !set.is_empty()).then_some(set)
}

/// The name to show for a role: the permission set of a reserved Identity
/// Center role, else the role itself. Never the reserved name.
pub fn shown_role(role: &str) -> &str {
    reserved_permission_set(role).unwrap_or(role)
}

/// The key a role as a console page shows it (an assumed role's name, without
/// path) is matched by: `sso:<permission set>` for a reserved Identity Center
/// role, else the role's name; lower case (IAM role names ignore case).
pub fn page_role_key(role: &str) -> String {
    match reserved_permission_set(role) {
        Some(set) => sso_key(set),
        None => role.to_ascii_lowercase(),
    }
}

/// The key of a role as [`crate::console::identity::identify`] reports it: `shown` is the
/// permission set when `identity_center`, else the role's name.
pub fn identity_role_key(shown: &str, identity_center: bool) -> String {
    if identity_center {
        sso_key(shown)
    } else {
        page_role_key(shown)
    }
}

fn sso_key(permission_set: &str) -> String {
    let mut key = String::with_capacity(SSO_KEY_PREFIX.len() + permission_set.len());
    key.push_str(SSO_KEY_PREFIX);
    key.push_str(permission_set);
    key[SSO_KEY_PREFIX.len()..].make_ascii_lowercase();
    key
}

/// The key an environment is found under when a page's role is known: an
/// Identity Center assignment under `sso:<permission set>`, an assumed role
/// under its name without path ([`page_role_key`] of it, so that an older
/// entry holding a reserved role name still matches its sessions).
pub fn environment_role_key(env: &Environment) -> String {
    if env.portal_url.is_some() {
        sso_key(&env.role_name)
    } else {
        page_role_key(env.role_base_name())
    }
}

/// The role name a banner or the popup shows for an environment: the
/// permission set for an Identity Center assignment (its `role_name`), and
/// for an assumed role its name without path, reduced by [`shown_role`].
pub fn environment_shown_role(env: &Environment) -> &str {
    shown_role(env.role_base_name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::example_environments;

    #[test]
    fn reserved_roles_name_their_permission_set() {
        let cases: &[(&str, Option<&str>)] = &[
            ("AWSReservedSSO_Admin_0123456789abcdef", Some("Admin")),
            ("AWSReservedSSO_Admin_0123456789ABCDEF", Some("Admin")),
            ("awsreservedsso_Admin_0123456789abcdef", Some("Admin")),
            (
                "AWSReservedSSO_Admin_Access_0123456789abcdef",
                Some("Admin_Access"),
            ),
            ("AWSReservedSSO__x__0123456789abcdef", Some("_x_")),
            (
                "AWSReservedSSO_a+b=c,d.e@f-g_0123456789abcdef",
                Some("a+b=c,d.e@f-g"),
            ),
            // Not a reserved role: hash too short, too long, not hex, missing.
            ("AWSReservedSSO_Admin_0123abcd", None),
            ("AWSReservedSSO_Admin_0123456789abcdef0", None),
            ("AWSReservedSSO_Admin_0123456789abcdeg", None),
            ("AWSReservedSSO_0123456789abcdef", None),
            ("AWSReservedSSO__0123456789abcdef", None),
            ("AWSReservedSSO_", None),
            ("AWSReserved", None),
            ("OrganizationAccountAccessRole", None),
            ("MyAWSReservedSSO_Admin_0123456789abcdef", None),
            ("", None),
        ];
        for (role, want) in cases {
            assert_eq!(reserved_permission_set(role), *want, "{role}");
            assert_eq!(shown_role(role), want.unwrap_or(role), "{role}");
        }
    }

    #[test]
    fn keys_keep_permission_sets_and_roles_apart() {
        assert_eq!(
            page_role_key("AWSReservedSSO_Admin_Access_0123456789ABCDEF"),
            "sso:admin_access"
        );
        assert_eq!(page_role_key("Admin"), "admin");
        let mut env = example_environments().remove(0);
        env.role_name = "team/Admin".into();
        assert_eq!(environment_role_key(&env), "admin");
        env.portal_url = Some("https://acme.awsapps.com/start".into());
        env.role_name = "Admin".into();
        assert_eq!(environment_role_key(&env), "sso:admin");
        // An assumed-role entry that holds the reserved name matches like one.
        env.portal_url = None;
        env.role_name = "AWSReservedSSO_Admin_0123456789abcdef".into();
        assert_eq!(environment_role_key(&env), "sso:admin");
        assert_eq!(environment_shown_role(&env), "Admin");
    }
}
