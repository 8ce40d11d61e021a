//! The import/export formats on real-world-shaped files, against the JSON
//! Schema, and under property tests (no panics, export → import round trips).

use std::path::PathBuf;

use proptest::prelude::*;
use roleswitch::{
    check_list, environments_json, export, parse, parse_any, validate_environment, BaseAccount,
    BaseAccountInput, Document, Environment, EnvironmentInput, ExportOptions, Format,
    ImportOptions, Partition,
};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/fixtures/formats", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------- fixtures

#[test]
fn sample_files_are_detected_and_read() {
    // (file, detected format, environments, warnings)
    let cases = [
        ("aesr.ini", Format::AesrIni, 4, 1),
        ("aws-config", Format::AwsConfig, 4, 4),
        ("organizations.json", Format::Organizations, 4, 2),
        ("roleswitch.json", Format::OwnJson, 3, 0),
    ];
    for (file, format, envs, warnings) in cases {
        let text = fixture(file);
        assert_eq!(Format::detect(&text), Some(format), "{file}");
        let parsed = parse(&text, format, &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{file}:\n{e}"));
        assert_eq!(parsed.environments.len(), envs, "{file}");
        assert_eq!(
            parsed.warnings.len(),
            warnings,
            "{file}: {:#?}",
            parsed.warnings
        );
        assert!(check_list(&parsed.environments).is_empty(), "{file}");
    }
}

#[test]
#[allow(clippy::type_complexity)] // table rows
fn aesr_sample_keeps_bases_colors_and_regions() {
    let parsed = parse(
        &fixture("aesr.ini"),
        Format::AesrIni,
        &ImportOptions::default(),
    )
    .unwrap();
    let got: Vec<(&str, &str, &str, &str, Option<&str>, Option<&str>)> = parsed
        .environments
        .iter()
        .map(|e| {
            (
                e.display_name.as_str(),
                e.account_id.as_str(),
                e.role_name.as_str(),
                e.color.as_str(),
                e.region.as_deref(),
                e.base.as_ref().and_then(|b| b.alias.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Acme Prod",
                "444455556666",
                "PlatformAdmin",
                "#f2b0a9",
                Some("eu-west-1"),
                Some("acme-mgmt")
            ),
            (
                "Acme Staging",
                "555566667777",
                "PlatformAdmin",
                "#efda95",
                Some("eu-central-1"),
                Some("acme-mgmt")
            ),
            (
                "sandbox",
                "111122223333",
                "team/Developer",
                "#b7ca9d",
                None,
                None
            ),
            (
                "logs",
                "222233334444",
                "ReadOnly",
                "#83d4e8",
                Some("us-east-1"),
                None
            ),
        ]
    );
}

#[test]
fn organizations_sample_guesses_production() {
    let parsed = parse(
        &fixture("organizations.json"),
        Format::Organizations,
        &ImportOptions::default(),
    )
    .unwrap();
    let got: Vec<(&str, bool)> = parsed
        .environments
        .iter()
        .map(|e| (e.display_name.as_str(), e.production))
        .collect();
    assert_eq!(
        got,
        vec![
            ("acme-management", false),
            ("workloads-prod", true),
            ("workloads-staging", false),
            ("Data Production", true),
        ]
    );
}

#[test]
fn broken_sample_files_report_every_error() {
    let cases: &[(&str, &[&str])] = &[
        (
            "aesr-broken.ini",
            &[
                "line 3, profile \"base\": Base account: Account ID \"12345\" must be 12 digits; it has 5.",
                "line 9, profile \"prod\": Color \"pinkish\" is not a color",
                "line 11, profile \"dev\": This profile has no role",
                "line 16, profile \"stage\": source_profile \"nowhere\" names no section",
                "line 17, profile \"stage\": Region \"europe\" is not an AWS region code",
            ],
        ),
        (
            "aws-config-broken",
            &[
                "line 2, profile \"prod\": In role ARN \"arn:aws:iam::4444555566:role/Admin\": Account ID \"4444555566\" must be 12 digits; it has 10.",
                "line 6, profile \"dev\": role_arn \"Developer\" is not a role ARN",
                "line 8, profile \"dev\": Profile \"dev\" is defined twice (first on line 5)",
            ],
        ),
        (
            "aws-config-with-secret",
            &[
                "line 5, profile \"legacy\": This file contains credentials (aws_access_key_id). Roleswitch never reads or stores credentials",
                "line 6, profile \"legacy\": This file contains credentials (aws_secret_access_key). Roleswitch never reads or stores credentials",
            ],
        ),
        (
            "organizations-broken.json",
            &[
                "Accounts[0].Id (\"workloads-prod\"): Account ID \"44445555666\" must be 12 digits; it has 11.",
                "Accounts[1].Id (\"workloads-staging\"): Id is a number",
                "Accounts[2].Name: Give this environment a name",
            ],
        ),
        (
            "roleswitch-broken.json",
            &[
                "environments[0].production (\"prod\"): production is text; write true or false.",
                "environments[0].accountId (\"prod\"): Account ID \"4444-5555-666\" must be 12 digits; it has 11.",
                "environments[0].roleName (\"prod\"): Role name \"Platform Admin\" contains \" \"",
                "environments[1].displayName: Give this environment a name",
                "environments[1].color: Color \"teal\" is not a color",
            ],
        ),
    ];
    for (file, want) in cases {
        let text = fixture(file);
        let format = Format::detect(&text).unwrap_or_else(|| panic!("{file}: not detected"));
        let errors = parse(&text, format, &ImportOptions::default()).unwrap_err();
        let got: Vec<String> = errors.errors.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), want.len(), "{file}: {got:#?}");
        for (g, w) in got.iter().zip(want.iter()) {
            assert!(g.starts_with(w), "{file}:\n got  {g}\n want {w}");
        }
        assert!(
            !errors.to_string().contains("wJalrXUtnFEMI"),
            "a secret was repeated"
        );
    }
}

#[test]
fn detection_of_ambiguous_inputs() {
    let cases: &[(&str, Option<Format>)] = &[
        ("", None),
        ("just text", None),
        ("{}", None),
        ("[1, 2]", None),
        (r#"{"version":1,"environments":[]}"#, Some(Format::OwnJson)),
        (r#"{"environments":[]}"#, Some(Format::OwnJson)),
        (r#"{"Accounts":[]}"#, Some(Format::Organizations)),
        (
            r#"{"version":1,"environments":[ broken"#,
            Some(Format::OwnJson),
        ),
        (r#"{"Accounts":[ {"Id": "#, Some(Format::Organizations)),
        // Only role_arn profiles: both formats read them alike.
        (
            "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/R\n",
            Some(Format::AwsConfig),
        ),
        (
            "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\n",
            Some(Format::AesrIni),
        ),
        (
            "[profile a]\nrole_arn = x\ncolor = ffffff\n",
            Some(Format::AesrIni),
        ),
        (
            "[profile a]\naws_account_id = 111122223333\nrole_name = R\n",
            Some(Format::AesrIni),
        ),
        (
            "[default]\nregion = eu-west-1\n[profile a]\nrole_arn = x\n",
            Some(Format::AwsConfig),
        ),
        (
            "[profile a]\nsso_account_id = 111122223333\n",
            Some(Format::AwsConfig),
        ),
        // AESR keys win over AWS hints, but secrets always go to the refusing reader.
        (
            "[default]\n[a]\naws_account_id = 111122223333\n",
            Some(Format::AesrIni),
        ),
        (
            "[a]\naws_account_id = 1\naws_secret_access_key = x\n",
            Some(Format::AwsConfig),
        ),
        ("; only a comment\n", None),
    ];
    for (text, want) in cases {
        assert_eq!(Format::detect(text), *want, "{text}");
    }
}

// ---------------------------------------------------------------- JSON Schema

/// Checks `value` against the subset of JSON Schema the schema file uses:
/// type, const, required, properties, additionalProperties, items, pattern,
/// minLength, maxLength, anyOf and local `$ref`s. Unknown keywords fail the
/// test, so the checker cannot silently fall behind the schema.
fn schema_errors(root: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let Some(rules) = schema.as_object() else {
        panic!("schema at {at} is not an object");
    };
    for (keyword, rule) in rules {
        match keyword.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => {
                let name = rule
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .expect("only local #/$defs/ references");
                schema_errors(root, &root["$defs"][name], value, at, out);
            }
            "type" => {
                let ok = match rule.as_str().unwrap() {
                    "object" => value.is_object(),
                    "array" => value.is_array(),
                    "string" => value.is_string(),
                    "boolean" => value.is_boolean(),
                    "integer" => value.is_u64() || value.is_i64(),
                    other => panic!("type {other} not supported by the checker"),
                };
                if !ok {
                    out.push(format!("{at}: not of type {rule}"));
                }
            }
            "const" => {
                if value != rule {
                    out.push(format!("{at}: must be {rule}"));
                }
            }
            "required" => {
                for key in rule.as_array().unwrap() {
                    if value.get(key.as_str().unwrap()).is_none() {
                        out.push(format!("{at}: missing {key}"));
                    }
                }
            }
            "properties" => {
                if let Some(obj) = value.as_object() {
                    for (key, sub) in rule.as_object().unwrap() {
                        if let Some(v) = obj.get(key) {
                            schema_errors(root, sub, v, &format!("{at}.{key}"), out);
                        }
                    }
                }
            }
            "additionalProperties" => {
                assert_eq!(
                    rule,
                    &Value::Bool(false),
                    "only additionalProperties: false"
                );
                if let Some(obj) = value.as_object() {
                    let known = rules["properties"].as_object().unwrap();
                    for key in obj.keys().filter(|k| !known.contains_key(*k)) {
                        out.push(format!("{at}: unknown key {key}"));
                    }
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    schema_errors(root, rule, item, &format!("{at}[{i}]"), out);
                }
            }
            "pattern" => {
                let re = regex_lite::Regex::new(rule.as_str().unwrap()).unwrap();
                if let Some(s) = value.as_str() {
                    if !re.is_match(s) {
                        out.push(format!("{at}: {s:?} does not match {rule}"));
                    }
                }
            }
            "minLength" | "maxLength" => {
                if let Some(s) = value.as_str() {
                    let n = s.chars().count() as u64;
                    let limit = rule.as_u64().unwrap();
                    if (keyword == "minLength" && n < limit)
                        || (keyword == "maxLength" && n > limit)
                    {
                        out.push(format!("{at}: length {n} breaks {keyword} {limit}"));
                    }
                }
            }
            "anyOf" => {
                let passes = rule.as_array().unwrap().iter().any(|sub| {
                    let mut errs = Vec::new();
                    schema_errors(root, sub, value, at, &mut errs);
                    errs.is_empty()
                });
                if !passes {
                    out.push(format!("{at}: matches none of anyOf"));
                }
            }
            other => panic!("keyword {other} not supported by the checker"),
        }
    }
}

fn schema() -> Value {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "schema/roleswitch-v1.schema.json",
    ]
    .iter()
    .collect();
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn check_schema(doc: &Value) -> Vec<String> {
    let schema = schema();
    let mut out = Vec::new();
    schema_errors(&schema, &schema, doc, "$", &mut out);
    out
}

#[test]
fn exports_and_examples_match_the_schema() {
    let sample: Value = serde_json::from_str(&fixture("roleswitch.json")).unwrap();
    assert_eq!(check_schema(&sample), Vec::<String>::new());
    let docs_example = include_str!("../docs/formats.md")
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/formats.md has a json example");
    let example: Value = serde_json::from_str(docs_example).unwrap();
    assert_eq!(check_schema(&example), Vec::<String>::new());
    let parsed = parse(docs_example, Format::OwnJson, &ImportOptions::default()).unwrap();
    let exported = export(
        &roleswitch::example_environments(),
        Format::OwnJson,
        &ExportOptions::default(),
    )
    .unwrap();
    assert_eq!(
        check_schema(&serde_json::from_str(&exported).unwrap()),
        Vec::<String>::new()
    );
    assert!(!parsed.environments.is_empty());
}

#[test]
#[allow(clippy::type_complexity)] // table rows
fn the_schema_rejects_what_the_reader_rejects() {
    let good = || -> Value { serde_json::from_str(&fixture("roleswitch.json")).unwrap() };
    // (what, how to break the sample, expected schema error, whether the reader
    // refuses it too: it normalises some values the schema does not allow)
    let cases: &[(&str, fn(&mut Value), &str, bool)] = &[
        (
            "version 2",
            |d| d["version"] = 2.into(),
            "$.version: must be 1",
            true,
        ),
        (
            "no environments",
            |d| {
                d.as_object_mut().unwrap().remove("environments");
            },
            "missing \"environments\"",
            true,
        ),
        (
            "short account",
            |d| d["environments"][0]["accountId"] = "12345".into(),
            "$.environments[0].accountId: \"12345\" does not match",
            true,
        ),
        (
            "upper-case color",
            |d| d["environments"][0]["color"] = "#F2B0A9".into(),
            "environments[0].color",
            false,
        ),
        (
            "bad region",
            |d| d["environments"][0]["region"] = "Europe".into(),
            "environments[0].region",
            true,
        ),
        (
            "role with space",
            |d| d["environments"][0]["roleName"] = "Platform Admin".into(),
            "environments[0].roleName",
            true,
        ),
        (
            "unknown key",
            |d| d["environments"][0]["colour"] = "red".into(),
            "unknown key colour",
            false,
        ),
        (
            "empty base",
            |d| d["environments"][0]["base"] = serde_json::json!({"roleName": "Ops"}),
            "matches none of anyOf",
            true,
        ),
        (
            "long title prefix",
            |d| d["environments"][0]["titlePrefix"] = "x".repeat(17).into(),
            "length 17 breaks maxLength 16",
            true,
        ),
        (
            "title prefix with a control character",
            |d| d["environments"][0]["titlePrefix"] = "a\u{7}b".into(),
            "environments[0].titlePrefix",
            true,
        ),
        (
            "production as text",
            |d| d["environments"][0]["production"] = "yes".into(),
            "not of type",
            true,
        ),
    ];
    for (what, break_it, want, reader_refuses) in cases {
        let mut doc = good();
        break_it(&mut doc);
        let errors = check_schema(&doc);
        assert!(
            errors.iter().any(|e| e.contains(want)),
            "{what}: {errors:#?}"
        );
        let text = serde_json::to_string(&doc).unwrap();
        let read = parse(&text, Format::OwnJson, &ImportOptions::default());
        assert_eq!(read.is_err(), *reader_refuses, "{what}");
    }
}

// ---------------------------------------------------------------- properties

fn options() -> ImportOptions {
    ImportOptions::default()
}

/// Text made of the pieces INI files are made of, in random order.
fn ini_ish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[profile a]".to_string()),
        Just("[b]".to_string()),
        Just("[default]".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("; comment".to_string()),
        Just("  nested = 1".to_string()),
        Just("s3 =".to_string()),
        "(role_arn|aws_account_id|role_name|source_profile|color|region|image|target_role_name|target_region|aws_account_alias|roleswitch_group|roleswitch_production|sso_account_id|aws_session_token|x) ?= ?(arn:aws:iam::[0-9]{10,13}:role/[a-zA-Z/]{0,8}|[0-9 -]{0,14}|a|b|default|[a-z#;\"]{0,6}|eu-west-1|true|\u{e9}\u{feff})",
        ".{0,12}",
    ];
    proptest::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
}

fn json_ish() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("12".to_string()),
        Just("{}".to_string()),
        Just("[]".to_string()),
        "\"[0-9a-zA-Z#/: -]{0,14}\"",
    ];
    let field = (
        "(id|accountId|roleName|displayName|color|region|production|group|base|Id|Name|Status|State|Arn|x)",
        value,
    )
        .prop_map(|(k, v)| format!("\"{k}\":{v}"));
    let entry = proptest::collection::vec(field, 0..6).prop_map(|f| format!("{{{}}}", f.join(",")));
    (
        "(environments|Accounts)",
        proptest::collection::vec(entry, 0..4),
        "(\"version\":1,|\"version\":\"x\",|)",
    )
        .prop_map(|(key, entries, version)| {
            format!("{{{version}\"{key}\":[{}]}}", entries.join(","))
        })
}

/// A valid environment list: unique accounts and display names, as a user
/// could make it in the extension.
fn valid_list() -> impl Strategy<Value = Vec<Environment>> {
    let base = proptest::option::of((
        proptest::option::of("[0-9]{12}"),
        proptest::option::of("[a-z][a-z0-9-]{1,10}[a-z0-9]"),
        proptest::option::of("([a-z]{1,4}/)?[A-Za-z0-9+=,.@_-]{1,12}"),
    ));
    let env = (
        "([a-z]{1,6}/){0,2}[A-Za-z0-9+=,.@_-]{1,20}",
        "[^\\p{Cc}]{1,20}",
        "#[0-9a-f]{6}",
        proptest::option::of("(eu-west-1|us-gov-west-1|cn-north-1|ap-southeast-2)"),
        any::<bool>(),
        proptest::option::of("[^\\p{Cc}]{1,12}"),
        base,
        proptest::option::of("[^\\p{Cc}]{0,16}"),
    );
    proptest::collection::vec(env, 0..6).prop_map(|raw| {
        let mut list = Vec::new();
        for (i, (role, name, color, region, production, group, base, title_prefix)) in
            raw.into_iter().enumerate()
        {
            let input = EnvironmentInput {
                id: None,
                partition: None,
                account_id: Some(format!("{:012}", 100_000_000_000u64 + i as u64)),
                role_name: Some(role),
                display_name: Some(format!("{i} {name}")),
                color: Some(color),
                region,
                production: Some(production),
                group,
                base: base.and_then(|(account_id, alias, role_name)| {
                    (account_id.is_some() || alias.is_some()).then_some(BaseAccountInput {
                        account_id,
                        alias,
                        role_name,
                    })
                }),
                title_prefix,
                portal_url: None,
                kind: None,
            };
            // Inputs the core rejects (e.g. a group of spaces) are skipped.
            if let Ok(env) = validate_environment(&input, &format!("id-{i}")) {
                list.push(env);
            }
        }
        list
    })
}

/// Any environment, valid or not: every field any string.
fn any_environment() -> impl Strategy<Value = Environment> {
    let text = || prop_oneof![".{0,12}", "[\\x00-\\x20\"\\\\\\x7f/a-z]{0,8}"];
    let base = proptest::option::of((
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
    ));
    (
        (text(), text(), text(), text(), text()),
        proptest::option::of(text()),
        proptest::option::of(prop_oneof![
            Just(Partition::Aws),
            Just(Partition::AwsUsGov),
            Just(Partition::AwsCn)
        ]),
        any::<bool>(),
        proptest::option::of(text()),
        base,
        proptest::option::of(text()),
    )
        .prop_map(
            |(
                (id, account_id, role_name, display_name, color),
                region,
                partition,
                production,
                group,
                base,
                title_prefix,
            )| {
                Environment {
                    id,
                    account_id,
                    role_name,
                    display_name,
                    color,
                    region,
                    partition,
                    production,
                    group,
                    base: base.map(|(account_id, alias, role_name)| BaseAccount {
                        account_id,
                        alias,
                        role_name,
                    }),
                    title_prefix,
                    portal_url: None,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn environments_json_is_what_serde_json_writes(list in proptest::collection::vec(any_environment(), 0..5)) {
        prop_assert_eq!(environments_json(&list), serde_json::to_string(&list).unwrap());
    }

    #[test]
    fn no_text_makes_a_reader_panic(text in ".{0,200}") {
        let _ = Format::detect(&text);
        for format in Format::ALL {
            let _ = parse(&text, format, &options());
        }
    }

    #[test]
    fn parse_any_is_detect_then_parse(text in prop_oneof![ini_ish(), json_ish(), ".{0,200}"]) {
        let want = Format::detect(&text).map(|f| (f, parse(&text, f, &options())));
        prop_assert_eq!(parse_any(&text, None, &options()), want);
        for format in Format::ALL {
            prop_assert_eq!(
                parse_any(&text, Some(format), &options()),
                Some((format, parse(&text, format, &options())))
            );
        }
    }

    #[test]
    fn no_ini_like_text_makes_a_reader_panic(text in ini_ish()) {
        let _ = Format::detect(&text);
        for format in [Format::AesrIni, Format::AwsConfig] {
            if let Ok(parsed) = parse(&text, format, &options()) {
                prop_assert!(check_list(&parsed.environments).is_empty());
            }
        }
    }

    #[test]
    fn no_json_like_text_makes_a_reader_panic(text in json_ish()) {
        let _ = Format::detect(&text);
        for format in [Format::OwnJson, Format::Organizations] {
            if let Ok(parsed) = parse(&text, format, &options()) {
                prop_assert!(check_list(&parsed.environments).is_empty());
            }
        }
    }

    #[test]
    fn own_json_round_trips_exactly(list in valid_list()) {
        let text = export(&list, Format::OwnJson, &ExportOptions::default()).unwrap();
        prop_assert_eq!(Format::detect(&text), Some(Format::OwnJson));
        let back = parse(&text, Format::OwnJson, &options()).unwrap();
        prop_assert_eq!(&back.environments, &list);
        let doc: Document = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(doc.environments, list);
    }

    #[test]
    fn ini_formats_round_trip_all_but_ids(list in valid_list()) {
        // An INI file without profiles is refused as "nothing to import".
        prop_assume!(!list.is_empty());
        for format in [Format::AesrIni, Format::AwsConfig] {
            let text = export(&list, format, &ExportOptions::default()).unwrap();
            let back = parse(&text, format, &options())
                .map_err(|e| TestCaseError::fail(format!("{format}:\n{e}\n{text}")))?;
            prop_assert!(back.warnings.is_empty(), "{:?}\n{}", back.warnings, text);
            let expected: Vec<Environment> = list
                .iter()
                .map(|e| Environment {
                    id: roleswitch::generated_id(&e.account_id, &e.role_name),
                    ..e.clone()
                })
                .collect();
            prop_assert_eq!(&back.environments, &expected, "{}\n{}", format, text);
            // Ids are derived, so a second round gives the same list.
            let again = export(&back.environments, format, &ExportOptions::default()).unwrap();
            prop_assert_eq!(again, text);
        }
    }
}

// ---------------------------------------------------------------- bounded work

/// An account ID for entry `i`: distinct for every `i` below 10^11.
fn account(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64 * 7919)
}

/// A realistic AWS Extend Switch Roles file: one base account and `n` targets
/// in three styles (as `make bench` writes it).
fn aesr_file(n: usize) -> String {
    let mut out = String::from("[org-management]\naws_account_id = 999988887777\n\n");
    for i in 0..n {
        let a = account(i);
        out.push_str(&match i % 3 {
            0 => format!("[profile team-{i}-prod]\naws_account_id = {a}\nrole_name = Admin\ncolor = f2b0a9\nregion = eu-west-1\n\n"),
            1 => format!("[team-{i}-dev]\nrole_arn = arn:aws:iam::{a}:role/path/Developer\nsource_profile = org-management\ncolor = b7ca9d\n\n"),
            _ => format!("[profile team-{i}-test]\naws_account_id = {a}\nrole_name = ReadOnly\nsource_profile = org-management\n; a comment\n\n"),
        });
    }
    out
}

/// A realistic `~/.aws/config`: SSO sign-in profiles, and `n` role profiles
/// reached from them, some through a role chain.
fn aws_config_file(n: usize) -> String {
    let mut out = String::from(
        "[default]\nregion = eu-west-1\n\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\n\n\
         [profile mgmt]\nsso_session = acme\nsso_account_id = 999988887777\nsso_role_name = AdministratorAccess\n\n",
    );
    for i in 0..n {
        let a = account(i);
        let source = if i % 4 == 3 {
            format!("team-{}", i - 1)
        } else {
            "mgmt".into()
        };
        out.push_str(&format!(
            "[profile team-{i}]\nrole_arn = arn:aws:iam::{a}:role/Admin\nsource_profile = {source}\nregion = eu-west-1\n\n"
        ));
    }
    out
}

fn own_json_file(n: usize) -> String {
    let envs: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r##"{{"id":"env-{i}","accountId":"{}","roleName":"Admin","displayName":"team {i}","color":"#f2b0a9","region":"eu-west-1","base":{{"accountId":"999988887777"}}}}"##,
                account(i)
            )
        })
        .collect();
    format!("{{\"version\":1,\"environments\":[{}]}}", envs.join(",\n"))
}

fn organizations_file(n: usize) -> String {
    let accounts: Vec<String> = (0..n)
        .map(|i| {
            let a = account(i);
            format!(
                r#"{{"Id":"{a}","Arn":"arn:aws:organizations::999988887777:account/o-a1b2c3d4e5/{a}","Email":"aws+{i}@acme.example","Name":"workloads-{i}-prod","Status":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":"2020-01-15T08:00:00.000000+00:00"}}"#
            )
        })
        .collect();
    format!("{{\"Accounts\":[{}]}}", accounts.join(",\n"))
}

/// The CPU time this thread has used, in nanoseconds (Linux), or else the wall clock.
fn cpu_now() -> u128 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| {
            START
                .get_or_init(std::time::Instant::now)
                .elapsed()
                .as_nanos()
        })
}

/// The CPU time of one run of `work`, in nanoseconds: runs it until 50 ms
/// have passed (the clock advances in scheduler ticks), then divides.
fn cost(work: &dyn Fn()) -> f64 {
    let start = cpu_now();
    let mut runs = 0;
    loop {
        work();
        runs += 1;
        let spent = cpu_now() - start;
        if spent >= 50_000_000 {
            return spent as f64 / runs as f64;
        }
    }
}

/// Inputs of `n` entries, shaped the way that makes a careless reader quadratic.
#[allow(clippy::type_complexity)]
fn shapes() -> Vec<(&'static str, Box<dyn Fn(usize) -> Box<dyn Fn()>>)> {
    fn parsing(text: String, format: Option<Format>) -> Box<dyn Fn()> {
        Box::new(move || {
            std::hint::black_box(parse_any(&text, format, &ImportOptions::default()));
        })
    }
    fn exporting(envs: Vec<Environment>) -> Box<dyn Fn()> {
        Box::new(move || {
            for format in [Format::AesrIni, Format::AwsConfig, Format::OwnJson] {
                std::hint::black_box(export(&envs, format, &ExportOptions::default()).unwrap());
            }
        })
    }
    fn env(i: usize) -> Environment {
        Environment {
            id: format!("env-{i}"),
            account_id: account(i),
            role_name: "Admin".into(),
            display_name: "same name".into(),
            color: "#f2b0a9".into(),
            region: None,
            partition: None,
            production: false,
            group: None,
            base: Some(BaseAccount {
                account_id: Some(account(i + 1_000_000)),
                alias: None,
                role_name: None,
            }),
            title_prefix: None,
            portal_url: None,
        }
    }
    vec![
        ("AESR file", Box::new(|n| parsing(aesr_file(n), None))),
        (
            "~/.aws/config",
            Box::new(|n| parsing(aws_config_file(n), None)),
        ),
        (
            "Roleswitch JSON",
            Box::new(|n| parsing(own_json_file(n), None)),
        ),
        (
            "Organizations JSON",
            Box::new(|n| parsing(organizations_file(n), None)),
        ),
        (
            "~/.aws/config, every profile from one source that names no account",
            Box::new(|n| {
                let mut text = String::from("[profile base]\nregion = eu-west-1\n");
                for i in 0..n {
                    text.push_str(&format!("[profile p{i}]\nrole_arn = arn:aws:iam::{}:role/R\nsource_profile = base\n", account(i)));
                }
                parsing(text, Some(Format::AwsConfig))
            }),
        ),
        (
            "one section with every key set many times, and many unknown keys",
            Box::new(|n| {
                let mut text =
                    String::from("[profile a]\nrole_arn = arn:aws:iam::111122223333:role/R\n");
                for i in 0..n {
                    text.push_str(&format!("color = red\nunknown_{i} = x\n"));
                }
                Box::new(move || {
                    for format in [Format::AesrIni, Format::AwsConfig] {
                        std::hint::black_box(
                            parse(&text, format, &ImportOptions::default()).unwrap_err(),
                        );
                    }
                })
            }),
        ),
        (
            "the same account and role over and over (INI)",
            Box::new(|n| {
                let text: String = (0..n)
                    .map(|i| format!("[p{i}]\nrole_arn = arn:aws:iam::111122223333:role/R\n"))
                    .collect();
                parsing(text, Some(Format::AesrIni))
            }),
        ),
        (
            "the same account and role over and over (JSON)",
            Box::new(|n| {
                let envs: Vec<String> = (0..n)
                    .map(|i| format!(r#"{{"accountId":"111122223333","displayName":"e{i}"}}"#))
                    .collect();
                parsing(
                    format!("{{\"version\":1,\"environments\":[{}]}}", envs.join(",")),
                    None,
                )
            }),
        ),
        (
            "one very long line, and a very long value",
            Box::new(|n| {
                let long = "x".repeat(n * 100);
                let text =
                    format!("[a]\n{long}\nrole_arn = arn:aws:iam::111122223333:role/{long}\n");
                parsing(text, Some(Format::AesrIni))
            }),
        ),
        (
            "unreadable lines",
            Box::new(|n| {
                parsing(
                    "[a]\n".to_string() + &"this is not a setting\n".repeat(n),
                    Some(Format::AesrIni),
                )
            }),
        ),
        (
            "export: one display name, a base account each",
            Box::new(|n| exporting((0..n).map(env).collect())),
        ),
        (
            "import preview: one id over and over",
            Box::new(|n| {
                let current: Vec<Environment> = (0..n)
                    .map(|i| Environment {
                        id: if i == 0 {
                            "x".into()
                        } else {
                            format!("x-{}", i + 1)
                        },
                        ..env(i)
                    })
                    .collect();
                let incoming: Vec<Environment> = (0..n)
                    .map(|i| Environment {
                        id: "x".into(),
                        ..env(n + i)
                    })
                    .collect();
                Box::new(move || {
                    std::hint::black_box(roleswitch::plan_import(
                        &current,
                        &incoming,
                        roleswitch::ImportMode::Merge,
                    ));
                })
            }),
        ),
    ]
}

/// Every reader, the exports and the import preview take time proportional
/// to their input: 16 times the entries cost at most 3 × 16 times the CPU
/// time (a quadratic step costs 256 times). CPU time of this thread, so that
/// other processes do not count; the least of three runs (the least disturbed),
/// stopping at the first that is within bounds.
#[test]
fn work_grows_linearly_with_the_input() {
    const SMALL: usize = 500;
    const FACTOR: usize = 16;
    const BOUND: f64 = 3.0 * FACTOR as f64;
    let mut report = Vec::new();
    let mut failed = false;
    for (what, make) in shapes() {
        let (small, large) = (make(SMALL), make(SMALL * FACTOR));
        small(); // warm up
        let small = (0..3).map(|_| cost(&*small)).fold(f64::INFINITY, f64::min);
        let mut ratio = f64::INFINITY;
        for _ in 0..3 {
            ratio = ratio.min(cost(&*large) / small);
            if ratio <= BOUND {
                break;
            }
        }
        report.push(format!("{what}: ×{ratio:.1}"));
        failed |= ratio > BOUND;
    }
    let report = report.join("\n");
    assert!(
        !failed,
        "{FACTOR}× the input cost more than {BOUND}× the time:\n{report}"
    );
    eprintln!("{report}");
}

/// What a reader says about a text, as the CLI and the options page show it.
fn messages(text: &str, format: Format) -> (Vec<String>, Vec<String>) {
    let shown = |list: &[roleswitch::Diagnostic]| list.iter().map(ToString::to_string).collect();
    match parse(text, format, &ImportOptions::default()) {
        Ok(p) => (Vec::new(), shown(&p.warnings)),
        Err(e) => (shown(&e.errors), shown(&e.warnings)),
    }
}

/// 100,000 broken entries in each format give the first 200 problems, in
/// file order, and one line counting the rest; warnings are bounded the same way.
#[test]
fn a_flood_of_problems_lists_the_first_two_hundred_and_counts_the_rest() {
    const N: usize = 100_000;
    let bad_json_entries = |key: &str, item: &str| {
        format!("{{\"version\":1,\"{key}\":[{}]}}", vec![item; N].join(","))
    };
    // (format, text, the first problem)
    let cases = [
        (
            Format::AesrIni,
            format!(
                "[a]\naws_account_id = 1\nrole_name = R\n{}",
                "not a setting\n".repeat(N - 1)
            ),
            "line 2, profile \"a\": Account ID \"1\" must be 12 digits",
        ),
        (
            Format::AwsConfig,
            format!("[profile a]\n{}", "[\n".repeat(N)),
            "line 2: ",
        ),
        (
            Format::OwnJson,
            bad_json_entries("environments", r#"{"accountId":"1","displayName":"x"}"#),
            "environments[0].accountId (\"x\"): Account ID \"1\" must be 12 digits",
        ),
        (
            Format::Organizations,
            bad_json_entries("Accounts", r#"{"Id":"1","Name":"x"}"#),
            "Accounts[0].Id (\"x\"): Account ID \"1\" must be 12 digits",
        ),
    ];
    for (format, text, first) in cases {
        let (errors, _) = messages(&text, format);
        assert_eq!(
            errors.len(),
            201,
            "{format}: {:#?}",
            &errors[..errors.len().min(3)]
        );
        assert!(errors[0].starts_with(first), "{format}: {}", errors[0]);
        assert_eq!(
            errors[200],
            "… and 99,800 more problems not listed; fix the ones above and check again to see the rest.",
            "{format}"
        );
    }
    // INI problems come in line order, whichever part of the reader found them.
    let text = format!(
        "[a]\nrole_arn = arn:aws:iam::111122223333:role/R\ncolor = red\n{}color = blue\n",
        "[\n".repeat(N)
    );
    let (errors, _) = messages(&text, Format::AesrIni);
    assert!(errors[0].starts_with("line 4: "), "{}", errors[0]);
    assert!(errors[199].starts_with("line 203: "), "{}", errors[199]);
    assert!(
        errors[200].starts_with("… and 99,801 more problems"),
        "{}",
        errors[200]
    );

    let unknown: Vec<String> = (0..N).map(|i| format!("\"x{i}\":1")).collect();
    let text = format!(
        "{{\"version\":1,\"environments\":[{{\"accountId\":\"111122223333\",\"displayName\":\"a\",{}}}]}}",
        unknown.join(",")
    );
    let (errors, warnings) = messages(&text, Format::OwnJson);
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(warnings.len(), 201);
    assert!(
        warnings[200].starts_with("… and 99,800 more warnings not listed"),
        "{}",
        warnings[200]
    );
}

// ---------------------------------------------------------------- credentials

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Whether `text` repeats 8 or more characters of `secret` in a row.
fn leaks(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(8.min(chars.len()))
        .any(|w| text.contains(&w.iter().collect::<String>()))
}

/// Every message a reader gives about `text` (problems and warnings).
fn all_messages(text: &str, format: Format) -> Vec<String> {
    let (mut errors, warnings) = messages(text, format);
    errors.extend(warnings);
    errors
}

/// Credentials refuse the whole file, in every format, with `=` or `:`, in
/// any case, anywhere; the one message per line names the line and the key,
/// says what to do, and repeats no part of the secret.
#[test]
fn credentials_are_refused_everywhere_and_never_repeated() {
    let keys = [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
    ];
    let cases = |key: &str| {
        [key.to_string(), key.to_uppercase(), {
            // Aws_Secret_Access_Key
            key.split('_')
                .map(|w| w[..1].to_uppercase() + &w[1..])
                .collect::<Vec<_>>()
                .join("_")
        }]
    };
    let mut checked = 0;
    for key in keys {
        for written in cases(key) {
            for separator in [" = ", "=", ": ", ":", "\t=  "] {
                let line = format!("{written}{separator}{SECRET}");
                // (text, line of the credential, profile it is in)
                let placements = [
                    (format!("[profile dev]\nrole_arn = arn:aws:iam::111122223333:role/Dev\n{line}\n"), 3, " profile \"dev\":"),
                    (format!("{line}\n[profile dev]\nrole_arn = arn:aws:iam::111122223333:role/Dev\n"), 1, ""),
                    (format!("[dev]\naws_account_id = 111122223333\nrole_name = Dev\ns3 =\n  {line}\r\n"), 5, " profile \"dev\":"),
                    (format!("[profile dev]\r\nrole_arn = arn:aws:iam::111122223333:role/Dev\r\n{line} ; note\r\n"), 3, " profile \"dev\":"),
                ];
                for (text, at, profile) in placements {
                    assert_eq!(Format::detect(&text), Some(Format::AwsConfig), "{text}");
                    for format in [Format::AesrIni, Format::AwsConfig] {
                        let (errors, warnings) = messages(&text, format);
                        assert_eq!(warnings, Vec::<String>::new(), "{format}: {text}");
                        assert_eq!(errors.len(), 1, "{format}: {text}\n{errors:#?}");
                        let want = format!("line {at},{profile} This file contains credentials ({key}). Roleswitch never reads or stores credentials, and needs only account IDs and role names: remove every");
                        let want = want.replacen(", This", ": This", 1);
                        assert!(
                            errors[0].starts_with(&want),
                            "{format}: {text}\n got  {}\n want {want}",
                            errors[0]
                        );
                        assert!(!leaks(&errors[0], SECRET), "{}", errors[0]);
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 3 * 5 * 4 * 2);

    // Other ways a credential reaches a config-like text: (text, message)
    let cases = [
        (format!("export AWS_SECRET_ACCESS_KEY={SECRET}\n"), "line 1: This file contains credentials (aws_secret_access_key)"),
        (format!("[a]\n$Env:AWS_SESSION_TOKEN=\"{SECRET}\"\n"), "line 2, profile \"a\": This file contains credentials (aws_session_token)"),
        (format!("[a]\naws_secret_access_key {SECRET}\n"), "line 2, profile \"a\": This file contains credentials (aws_secret_access_key)"),
        (format!("[a]\naws_secret_\u{200b}access_key = {SECRET}\n"), "line 2, profile \"a\": This file contains credentials (aws_secret_access_key)"),
        (format!("[a]\n\"aws_session_token\" = {SECRET}\n"), "line 2, profile \"a\": This file contains credentials (aws_session_token)"),
        (
            format!("[profile tools]\ncredential_process = env AWS_SECRET_ACCESS_KEY={SECRET} /usr/bin/tool\n"),
            "line 2, profile \"tools\": This file contains credentials (a secret written into credential_process)",
        ),
        (
            format!("[profile tools]\ncredential_process = echo '{{\"Version\": 1, \"SessionToken\": \"{SECRET}\"}}'\n"),
            "line 2, profile \"tools\": This file contains credentials (a secret written into credential_process)",
        ),
        // A key wrapped onto the next line: refused for its first line; the rest is not quoted.
        (format!("[a]\naws_secret_access_key = {}\n{}\n", &SECRET[..20], &SECRET[20..]), "line 2, profile \"a\": This file contains credentials (aws_secret_access_key)"),
    ];
    for (text, want) in &cases {
        for format in [Format::AesrIni, Format::AwsConfig] {
            let got = all_messages(text, format);
            assert!(
                got.len() == 1 && got[0].starts_with(want),
                "{format}: {text}\n{got:#?}\nwant {want}"
            );
            assert!(!leaks(&got[0], SECRET), "{}", got[0]);
        }
        assert_eq!(Format::detect(text), Some(Format::AwsConfig), "{text}");
    }

    // A command that only gets credentials is not a secret: ignored, and not repeated.
    let text = "[profile tools]\ncredential_process = /usr/local/bin/get-creds --profile tools\n[profile a]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = tools\n";
    let parsed = parse(text, Format::AwsConfig, &options()).expect("read");
    let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().all(|w| !w.contains("get-creds")),
        "{warnings:#?}"
    );

    // JSON: the output of aws sts assume-role, credentials pasted into a
    // list, any case, and JSON that does not even parse. (text, format, message)
    let assume_role = format!(
        r#"{{"Credentials":{{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"{SECRET}","SessionToken":"{SECRET}","Expiration":"2026-01-01T00:00:00Z"}},"AssumedRoleUser":{{"Arn":"arn:aws:sts::111122223333:assumed-role/R/me"}}}}"#
    );
    let cases: Vec<(String, Format, &[&str])> = vec![
        (
            assume_role.clone(),
            Format::OwnJson,
            &[
                "Credentials.AccessKeyId: This file contains credentials (AccessKeyId). Roleswitch never reads or stores credentials, and needs only account IDs and role names",
                "Credentials.SecretAccessKey: This file contains credentials (SecretAccessKey)",
                "Credentials.SessionToken: This file contains credentials (SessionToken)",
            ],
        ),
        (
            format!(r#"{{"version":1,"environments":[{{"accountId":"111122223333","displayName":"a","secretaccesskey":"{SECRET}"}}]}}"#),
            Format::OwnJson,
            &["environments[0].secretaccesskey: This file contains credentials (SecretAccessKey)"],
        ),
        (
            format!(r#"{{"Accounts":[{{"Id":"111122223333","Name":"a","Status":"ACTIVE"}}],"AWS_SESSION_TOKEN":"{SECRET}"}}"#),
            Format::Organizations,
            &["AWS_SESSION_TOKEN: This file contains credentials (SessionToken)"],
        ),
        (
            format!("{{\"Credentials\": {{\n  \"AccessKeyId\": \"ASIA\",\n  \"SecretAccessKey\": \"{SECRET}"),
            Format::OwnJson,
            &[
                "line 2: This file contains credentials (AccessKeyId)",
                "line 3: This file contains credentials (SecretAccessKey)",
            ],
        ),
    ];
    for (text, format, want) in &cases {
        assert_eq!(Format::detect(text), Some(*format), "{text}");
        for format in [Format::OwnJson, Format::Organizations] {
            let got = all_messages(text, format);
            assert_eq!(got.len(), want.len(), "{format}: {text}\n{got:#?}");
            for (g, w) in got.iter().zip(*want) {
                assert!(g.starts_with(w), "{format}: {text}\n got  {g}\n want {w}");
                assert!(!leaks(g, SECRET), "{g}");
            }
        }
    }
}

/// A line that cannot be read is named by its number (and its key, when
/// that is a key the readers know), never quoted: it may be half a secret.
#[test]
fn unreadable_lines_are_named_never_quoted() {
    let token = format!(
        "IQoJb3JpZ2luX2VjEJr{}+/{}==",
        "A".repeat(80),
        "b".repeat(40)
    );
    // (text, message, text that must not be in it)
    let cases = [
        (format!("[a]\n{SECRET}\n"), "line 2, profile \"a\": This line cannot be read: it is not a [profile name] header", SECRET.to_string()),
        (format!("[a]\n{token}\n"), "line 2, profile \"a\": This line cannot be read: it is not a [profile name] header", token.clone()),
        ("[a]\nrole_arn arn:aws:iam::111122223333:role/R\n".into(), "line 2, profile \"a\": role_arn needs an = between it and its value: write role_arn = value.", "111122223333".into()),
        ("[wJalrXUtnFEMI/K7MDENG\n".into(), "line 1: This section header has no closing ]; write it as [profile name] or [name].", "wJalrXUtn".into()),
        ("[a] wJalrXUtnFEMI/K7MDENG\n".into(), "line 1: This section header has text after its ] that is not a comment", "wJalrXUtn".into()),
        ("[ ]\n".into(), "line 1: This section header has no name", "[ ]".into()),
        ("[a]\nro\u{200b}le_arn = arn:aws:iam::111122223333:role/R\n".into(), "line 2, profile \"a\": The key \"role_arn\" has an invisible character, U+200B (ZERO WIDTH SPACE), in it; delete the key and type it again.", "\u{200b}".into()),
        ("[a]\nrole_arn\0 = arn:aws:iam::111122223333:role/R\n".into(), "line 2, profile \"a\": The key \"role_arn\" has an invisible character, U+0000, in it", "\0".into()),
        ("[a]\n\u{200b}wJalrXUtnFEMI\n".into(), "line 2, profile \"a\": This line cannot be read: it is not a [profile name] header, a key = value setting or a comment starting with ; or #. It has an invisible character, U+200B (ZERO WIDTH SPACE), in it.", "wJalrXUtn".into()),
    ];
    for (text, want, hidden) in &cases {
        for format in [Format::AesrIni, Format::AwsConfig] {
            let (errors, _) = messages(text, format);
            assert!(
                errors.iter().any(|e| e.starts_with(want)),
                "{format}: {text:?}\n{errors:#?}\nwant {want}"
            );
            for message in all_messages(text, format) {
                assert!(
                    !message.contains(hidden.as_str()),
                    "{format}: {text:?}: {message}"
                );
            }
        }
    }
}

/// A secret as AWS makes them: a 40-character secret access key, a session
/// token (base64, hundreds of characters, maybe padded with `=`), or a piece
/// of one.
fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9/+]{40}",
        "[A-Za-z0-9/+]{100,400}={0,2}",
        "[A-Za-z0-9/+]{8,20}",
    ]
}

/// `name` with each letter's case chosen by `upper`.
fn cased(name: &str, upper: &[bool]) -> String {
    name.chars()
        .zip(upper.iter().cycle())
        .map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A secret after a credential key (either separator, any case), maybe
    /// wrapped onto the next line, or on a line of its own, anywhere in an
    /// INI text: the text is refused when a key names it, and no message
    /// repeats 8 characters of the secret.
    #[test]
    fn no_ini_message_repeats_a_secret(
        secret in secret(),
        key in proptest::sample::select(vec!["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token"]),
        upper in proptest::collection::vec(any::<bool>(), 1..8),
        separator in proptest::sample::select(vec![" = ", "=", ": ", ":", " :", "\t= "]),
        base in prop_oneof![Just(fixture("aesr.ini")), Just(fixture("aws-config")), Just(fixture("aesr-broken.ini")), ini_ish()],
        at in any::<proptest::sample::Index>(),
        placement in 0..4usize,
        crlf in any::<bool>(),
    ) {
        let key = cased(key, &upper);
        let half = secret.len() / 2;
        let inserted = match placement {
            0 => vec![format!("{key}{separator}{secret}")],
            1 => vec![format!("{key}{separator}{}", &secret[..half]), secret[half..].to_string()],
            2 => vec![format!("{key}{separator}{}", &secret[..half]), format!("    {}", &secret[half..])],
            _ => vec![secret.clone()],
        };
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        let i = at.index(lines.len() + 1);
        lines.splice(i..i, inserted);
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        for format in Format::ALL {
            for message in all_messages(&text, format) {
                prop_assert!(!leaks(&message, &secret), "{format}: {message}\n{text}");
            }
        }
        if placement < 3 {
            for format in [Format::AesrIni, Format::AwsConfig] {
                let (errors, warnings) = messages(&text, format);
                prop_assert!(warnings.is_empty(), "{warnings:?}");
                prop_assert!(!errors.is_empty() && errors.iter().all(|e| e.contains("This file contains credentials")), "{errors:#?}");
            }
            prop_assert_eq!(Format::detect(&text), Some(Format::AwsConfig));
        }
    }

    /// The same for JSON: a credential key (as the AWS CLI prints it or as
    /// in a config file, any case) with a secret, in any object of a list.
    #[test]
    fn no_json_message_repeats_a_secret(
        secret in secret(),
        key in proptest::sample::select(vec!["AccessKeyId", "SecretAccessKey", "SessionToken", "aws_secret_access_key", "aws_session_token", "Token_SecurityToken"]),
        upper in proptest::collection::vec(any::<bool>(), 1..8),
        base in prop_oneof![Just(fixture("roleswitch.json")), Just(fixture("organizations.json")), Just(fixture("roleswitch-broken.json")), json_ish()],
        at in any::<proptest::sample::Index>(),
    ) {
        let key = cased(key, &upper);
        let objects: Vec<usize> = base.match_indices('{').map(|(i, _)| i + 1).collect();
        let i = objects[at.index(objects.len())];
        let empty = base[i..].trim_start().starts_with('}');
        let text = format!("{}\"{key}\": \"{secret}\"{}{}", &base[..i], if empty { "" } else { "," }, &base[i..]);
        for format in Format::ALL {
            for message in all_messages(&text, format) {
                prop_assert!(!leaks(&message, &secret), "{format}: {message}\n{text}");
            }
        }
        // Refused, unless the key went where a later duplicate key replaces
        // it as JSON is read (`{"a": {"SecretAccessKey": …}, "a": null}`):
        // then it is dropped unread, and still never shown.
        fn holds(v: &Value, key: &str) -> bool {
            match v {
                Value::Object(m) => m.iter().any(|(k, v)| k == key || holds(v, key)),
                Value::Array(a) => a.iter().any(|v| holds(v, key)),
                _ => false,
            }
        }
        let read = serde_json::from_str::<Value>(&text);
        if read.as_ref().map_or(true, |doc| holds(doc, &key)) {
            for format in [Format::OwnJson, Format::Organizations] {
                let (errors, warnings) = messages(&text, format);
                prop_assert!(warnings.is_empty(), "{warnings:?}");
                prop_assert!(!errors.is_empty() && errors.iter().all(|e| e.contains("This file contains credentials")), "{errors:#?}");
            }
        }
    }
}

// ---------------------------------------------------------------- hostile input

/// Line ends of every kind, byte order marks, NUL bytes, invisible
/// characters and very long lines: each reader reads what can be read and
/// says clearly, in a short message with its line, what cannot.
#[test]
fn hostile_input_gets_short_clear_messages() {
    // Line ends: \r\n and a lone \r read as \n does.
    for file in [
        "aesr.ini",
        "aws-config",
        "aesr-broken.ini",
        "aws-config-broken",
    ] {
        let text = fixture(file);
        let want = parse_any(&text, None, &options());
        for ends in ["\r\n", "\r"] {
            let other = text.replace('\n', ends);
            assert_eq!(
                parse_any(&other, None, &options()),
                want,
                "{file} with {ends:?}"
            );
        }
    }
    // Byte order marks at the start, and where two files were joined.
    let joined = format!(
        "\u{feff}{}\n\u{feff}{}",
        fixture("aesr.ini"),
        "[extra]\nrole_arn = arn:aws:iam::999999999999:role/R\n"
    );
    let parsed = parse_any(&joined, None, &options())
        .expect("detected")
        .1
        .expect("read");
    assert_eq!(parsed.environments.len(), 5);

    let long = "x".repeat(1_000_000);
    // (text, format, a problem that starts with this)
    let cases = [
        ("[a]\nrole_arn = arn:aws:iam::111122223333:role/R\0\n".to_string(), Format::AesrIni, "line 2, profile \"a\": Role name \"R\\u{0}\""),
        ("[a]\nrole\0_arn = arn:aws:iam::111122223333:role/R\n".to_string(), Format::AwsConfig, "line 2, profile \"a\": The key \"role_arn\" has an invisible character, U+0000, in it"),
        ("[a\0]\nrole_arn = arn:aws:iam::111122223333:role/R\n".to_string(), Format::AesrIni, "line 1, profile \"a\\u{0}\": The display name \"a\\u{0}\" contains a control character"),
        ("{\"version\":1,\"environments\":[{\"displayName\":\"a\0\"}]}".to_string(), Format::OwnJson, "line 1: This is not valid JSON (control character (\\u0000-\\u001F) found while parsing a string, column 47)"),
        ("[a]\nreg\u{a0}ion = eu-west-1\nrole_arn = arn:aws:iam::111122223333:role/R\n".to_string(), Format::AesrIni, "line 2, profile \"a\": The key \"region\" has an invisible character, U+00A0, in it"),
        (format!("[a]\nrole_arn = arn:aws:iam::111122223333:role/{long}\n"), Format::AesrIni, "line 2, profile \"a\": Role \"arn:aws:iam::111122223333:role/xxxxxxxxx…\" is 1000000 characters"),
        (format!("[a]\n{long}\n"), Format::AwsConfig, "line 2, profile \"a\": This line cannot be read"),
        (format!("[a]\n{long} = 1\n"), Format::AesrIni, "line 2, profile \"a\": This line cannot be read"),
        (format!("[{long}]\nrole_arn = arn:aws:iam::111122223333:role/R\ncolor = z\n"), Format::AesrIni, "line 1, profile \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\": The display name"),
        (format!("{{\"version\":1,\"environments\":[{{\"accountId\":\"111122223333\",\"displayName\":\"a\",\"{long}\":1}}]}}"), Format::OwnJson, ""),
    ];
    for (text, format, want) in &cases {
        let (errors, warnings) = messages(text, *format);
        let short = |t: &str| t.chars().take(80).collect::<String>();
        assert!(
            want.is_empty() || errors.iter().any(|e| e.starts_with(want)),
            "{format}: {}\n{errors:#?}\nwant {want}",
            short(text)
        );
        for m in errors.iter().chain(&warnings) {
            assert!(
                m.chars().count() < 600,
                "{format}: a message of {} characters: {}…",
                m.chars().count(),
                short(m)
            );
        }
    }
    // An invisible character in a JSON key is shown, escaped.
    let text = "{\"version\":1,\"environments\":[{\"accountId\u{200b}\":\"111122223333\",\"displayName\":\"a\"}]}";
    let (_, warnings) = messages(text, Format::OwnJson);
    assert!(
        warnings[0].contains("Unknown key \"accountId\\u{200b}\""),
        "{warnings:?}"
    );
}

// ------------------------------------------------------ IAM Identity Center

#[test]
fn aws_sso_sample_needs_the_portal_and_reads_every_pair() {
    let text = fixture("aws-sso.json");
    assert_eq!(Format::detect(&text), Some(Format::AwsSso));
    let err = parse(&text, Format::AwsSso, &ImportOptions::default()).unwrap_err();
    assert!(
        err.errors[0].message.starts_with(
            "These accounts are opened through your AWS access portal, which this output does not name"
        ),
        "{err}"
    );
    let options = ImportOptions {
        portal_url: Some("https://acme.awsapps.com/start".into()),
        ..ImportOptions::default()
    };
    let parsed = parse(&text, Format::AwsSso, &options).unwrap();
    let got: Vec<(&str, &str, bool)> = parsed
        .environments
        .iter()
        .map(|e| (e.display_name.as_str(), e.role_name.as_str(), e.production))
        .collect();
    assert_eq!(
        got,
        vec![
            ("acme-management", "AdministratorAccess", false),
            ("workloads-prod ReadOnlyAccess", "ReadOnlyAccess", true),
            ("workloads-prod Deploy_Pipeline", "Deploy_Pipeline", true),
        ]
    );
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    assert!(check_list(&parsed.environments).is_empty());
}

/// Identity Center assignments as a user could make them, in accounts of their own.
fn assignments() -> impl Strategy<Value = Vec<Environment>> {
    let portal = prop::sample::select(vec![
        ("https://acme.awsapps.com/start", "eu-west-1"),
        ("https://d-1234567890.awsapps.com/start", "us-east-1"),
        (
            "https://start.us-gov-home.awsapps.com/directory/d-9067abcdef",
            "us-gov-west-1",
        ),
        ("https://acme.awsapps.cn/start", "cn-north-1"),
    ]);
    let one = (
        portal,
        "[A-Za-z0-9+=,.@_-]{1,32}",
        "[^\\p{Cc}]{1,20}",
        "#[0-9a-f]{6}",
        any::<bool>(),
        any::<bool>(),
        proptest::option::of("[^\\p{Cc}]{1,12}"),
    );
    proptest::collection::vec(one, 0..6).prop_map(|raw| {
        let mut list = Vec::new();
        for (i, ((portal, region), set, name, color, with_region, production, group)) in
            raw.into_iter().enumerate()
        {
            let input = EnvironmentInput {
                account_id: Some(format!("{:012}", 200_000_000_000u64 + i as u64)),
                role_name: Some(set),
                portal_url: Some(portal.into()),
                display_name: Some(format!("sso {i} {name}")),
                color: Some(color),
                region: with_region.then(|| region.to_string()),
                production: Some(production),
                group,
                ..Default::default()
            };
            if let Ok(env) = validate_environment(&input, &format!("sso-{i}")) {
                list.push(env);
            }
        }
        list
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn lists_with_assignments_round_trip(roles in valid_list(), sso in assignments()) {
        let list: Vec<Environment> = roles.into_iter().chain(sso).collect();
        prop_assume!(!list.is_empty());
        let text = export(&list, Format::OwnJson, &ExportOptions::default()).unwrap();
        prop_assert_eq!(&parse(&text, Format::OwnJson, &options()).unwrap().environments, &list);
        let schema_problems = check_schema(&serde_json::from_str(&text).unwrap());
        prop_assert!(schema_problems.is_empty(), "{:?}", schema_problems);

        let text = export(&list, Format::AwsConfig, &ExportOptions::default()).unwrap();
        let back = parse(&text, Format::AwsConfig, &options())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(back.warnings.is_empty(), "{:?}\n{}", back.warnings, text);
        // Assignments are written first; ids are made again from account and role.
        let mut expected: Vec<Environment> = list.iter().filter(|e| e.portal_url.is_some()).cloned().collect();
        expected.extend(list.iter().filter(|e| e.portal_url.is_none()).cloned());
        for e in &mut expected {
            let role = match e.portal_url {
                Some(_) => format!("sso:{}", e.role_name),
                None => e.role_name.clone(),
            };
            e.id = roleswitch::generated_id(&e.account_id, &role);
        }
        prop_assert_eq!(&back.environments, &expected, "{}", text);
    }

    #[test]
    fn aws_sso_lists_give_one_environment_per_account_and_role(
        accounts in proptest::collection::vec(("[\\p{L}\\p{N} ._-]{0,20}", proptest::collection::vec("[A-Za-z0-9+=,.@_-]{1,32}", 0..3)), 0..6),
        split in any::<bool>(),
    ) {
        let ids: Vec<String> = (0..accounts.len()).map(|i| format!("{:012}", 300_000_000_000u64 + i as u64)).collect();
        let account_list: Vec<Value> = accounts.iter().zip(&ids).map(|((name, _), id)| {
            serde_json::json!({"accountId": id, "accountName": name, "emailAddress": "a@example.com"})
        }).collect();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for ((_, sets), id) in accounts.iter().zip(&ids) {
            for set in sets {
                if !pairs.iter().any(|(a, s)| a == id && s.eq_ignore_ascii_case(set)) {
                    pairs.push((id.clone(), set.clone()));
                }
            }
        }
        let role_list: Vec<Value> = pairs.iter().map(|(id, set)| serde_json::json!({"roleName": set, "accountId": id})).collect();
        let text = if split {
            format!("{}\n{}", serde_json::json!({"accountList": account_list}), serde_json::json!({"roleList": role_list}))
        } else {
            serde_json::json!({"accountList": account_list, "roleList": role_list}).to_string()
        };
        let options = ImportOptions { portal_url: Some("https://acme.awsapps.com/start".into()), ..ImportOptions::default() };
        let parsed = parse(&text, Format::AwsSso, &options)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let got: Vec<(String, String)> = parsed.environments.iter().map(|e| (e.account_id.clone(), e.role_name.clone())).collect();
        prop_assert_eq!(got, pairs.clone());
        prop_assert!(parsed.environments.iter().all(|e| e.portal_url.as_deref() == Some("https://acme.awsapps.com/start")));
        // Every account without a role is said, none silently dropped.
        let without = accounts.iter().filter(|(_, sets)| sets.is_empty()).count();
        prop_assert_eq!(parsed.warnings.len(), without);
    }

    #[test]
    fn no_sso_like_text_makes_the_reader_panic(text in json_ish(), key in "(accountList|roleList)") {
        let text = text.replace("Accounts", &key);
        let options = ImportOptions { portal_url: Some("https://acme.awsapps.com/start".into()), ..ImportOptions::default() };
        if let Ok(parsed) = parse(&text, Format::AwsSso, &options) {
            prop_assert!(check_list(&parsed.environments).is_empty());
        }
    }
}
